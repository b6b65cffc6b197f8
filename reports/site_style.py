"""The published site's one style sheet (style.css), kept here so that it ships with the code.

Colours pass WCAG AA: body text #1a1a1a and links #0b4f8a on white (16:1 and 8:1); every
status badge's text on its own tint at least 7:1. Nothing relies on colour alone: each status
is written out. The focus is always visible; the skip link shows when it has it.
"""

CSS = (
    """\
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 100%; }
body {
  margin: 0; color: #1a1a1a; background: #ffffff; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.skip {
  position: absolute; left: 0.5rem; top: -4rem; padding: 0.5rem 1rem;
  background: #ffffff; color: #0b4f8a; font-weight: bold; z-index: 10;
}
.skip:focus { top: 0.5rem; }
a { color: #0b4f8a; text-underline-offset: 0.15em; }
a:hover { color: #06345c; }
:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
.site, main, .foot { max-width: 62rem; margin: 0 auto; padding: 0 1rem; }
.top { border-bottom: 4px solid #1b5e9b; background: #f3f6fa; }
.site { padding-top: 0.75rem; padding-bottom: 0.75rem; }
.site p { margin: 0; }
.site .name { font-weight: bold; font-size: 1.1rem; }
.situation { font-weight: bold; }
nav.crumbs ol { list-style: none; margin: 0.75rem 0 0; padding: 0; display: flex; flex-wrap: wrap; }
nav.crumbs li + li::before { content: "›"; padding: 0 0.4rem; color: #4d4d4d; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 1.25rem 0 0.75rem; }
h2 { font-size: 1.35rem; line-height: 1.3; margin: 2rem 0 0.5rem; }
h3 { font-size: 1.1rem; line-height: 1.3; margin: 1.5rem 0 0.4rem; }
.action h2 { font-size: 1.2rem; margin-top: 1.25rem; }
.objectives { list-style: none; padding: 0; margin: 0.5rem 0 0; }
.objectives li { margin: 0 0 0.6rem; }
.count { display: block; color: #4d4d4d; font-size: 0.95rem; }
.bar {
  display: block; height: 0.5rem; max-width: 20rem; margin-top: 0.2rem;
  background: #e6e6e6; border-radius: 0.25rem; overflow: hidden;
}
.bar span { display: block; height: 100%; background: #2e7d32; }
"""
    + "".join(f".w{step} {{ width: {step}%; }}\n" for step in range(0, 101, 5))
    + """\
figure { margin: 1rem 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #d0d0d0; }
figcaption { color: #4d4d4d; font-size: 0.95rem; margin-top: 0.3rem; }
.table { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; min-width: 18rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.6rem;
  border-bottom: 1px solid #d0d0d0; }
td.n, th.n { text-align: right; }
details { margin: 0.5rem 0 1rem; }
summary { cursor: pointer; color: #0b4f8a; }
.action { border-top: 1px solid #d0d0d0; padding-top: 0.25rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem;
  margin: 0.5rem 0 1rem; }
dt { font-weight: bold; }
dd { margin: 0; overflow-wrap: anywhere; }
.status { display: inline-block; padding: 0 0.45rem; border-radius: 0.25rem; font-weight: bold; }
.s-fait { background: #e3f1e4; color: #1b4d1f; }
.s-en-cours { background: #e3eefb; color: #0d3c78; }
.s-a-demarrer { background: #efefef; color: #333333; }
.s-suspendu { background: #fff3d6; color: #5c3d00; }
.s-abandonne { background: #fbe6e6; color: #7a1414; }
.neighbours { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 1rem;
  margin: 2rem 0 1rem; padding: 0; list-style: none; }
.foot { margin-top: 2.5rem; padding-top: 1rem; padding-bottom: 2rem; border-top: 1px solid #d0d0d0;
  color: #4d4d4d; font-size: 0.95rem; }
.foot p { margin: 0.25rem 0; }
@media (max-width: 30rem) {
  dl { grid-template-columns: 1fr; }
  dd { margin-bottom: 0.4rem; }
  h1 { font-size: 1.45rem; }
}
@media print {
  .skip, nav.crumbs, .neighbours { display: none; }
  a { color: #1a1a1a; }
}
"""
)
