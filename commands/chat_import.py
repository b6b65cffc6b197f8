"""Importing a PST in chat: an admin drops the file, reads the preview, then confirms.

    (file « pst.xlsx » dropped)  -> the `pst-bot import --dry-run` report, nothing changed
    !importer confirmer          -> applied, in the command's one transaction
    !importer annuler            -> dropped

The transport hands the file in `Message.attachment` and the engine runs `!importer` on it
(commands/types.py FILE_DROPPED). The file waits in storage/pending_imports.py for
KEPT_MINUTES at most and is deleted once applied, cancelled or expired. It goes into the room's
plan (the one every command of this room works on); in a database without a plan, the import
creates one. Only admins import: anyone else's file is ignored with a short notice.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from commands import chat_import_texts as say
from commands import texts
from commands.access import Rule
from commands.arguments import word_choice
from commands.errors import UserError
from commands.formatting import safe, shorten
from commands.registry import command
from commands.types import ADMIN, Args, Context, IncomingFile, Reply
from storage import pending_imports, plans
from storage.importing import ImportFormatError, ImportReport, import_plan, parse_bytes
from storage.importing.model import MAX_FILE_BYTES

CONFIRM, CANCEL = "confirmer", "annuler"
_MEGABYTE = 1024 * 1024


def report_text(report: ImportReport) -> str:
    """An import's report as `pst-bot import` prints it (with --dry-run, a preview)."""
    return f"{say.IMPORTED_INTO.format(code=report.plan)}\n{report.summary()}"


def _admins_only(ctx: Context, args: Args) -> str | None:
    if ctx.user.is_admin:
        return None
    dropped = ctx.message.attachment
    if dropped is not None:
        name = shorten(dropped.name, 60)
        return say.NOT_ADMIN_FILE.format(name=name, ask=texts.ask_admins(ctx.directory.admins))
    return texts.role_refusal("importer", {ADMIN}, ctx.directory.admins)


#: Checked once the step is read, before any file is parsed.
ADMINS_IMPORT = Rule(texts.role_list({ADMIN}), check=_admins_only, needs=("step",))

STEP = word_choice(
    "step",
    f"[{CONFIRM}|{CANCEL}]",
    {CONFIRM: CONFIRM, CANCEL: CANCEL},
    lambda word: say.UNKNOWN_STEP.format(word=word),
)


@command(
    "importer",
    args=[STEP],
    who=ADMINS_IMPORT,
    summary="Importer un PST déposé dans ce salon : aperçu, puis confirmer ou annuler.",
    details=(
        "Déposez le fichier (CSV, XLSX, ODS, MD ou XML eComptes) : le bot répond l'aperçu "
        f"(créées, modifiées, conservées, avertissements). « !importer {CONFIRM} » l'applique "
        f"dans les {pending_imports.KEPT_MINUTES} minutes, « !importer {CANCEL} » l'abandonne ; "
        "le fichier n'est pas conservé."
    ),
    examples=[f"!importer {CONFIRM}", f"!importer {CANCEL}"],
)
def import_in_chat(ctx: Context, args: Args) -> Reply:
    if ctx.message.attachment is not None:
        return _preview(ctx, ctx.message.attachment)
    if args.step is None:
        raise UserError(say.DROP_FIRST)
    if args.step == CANCEL:
        return _cancel(ctx)
    return _apply(ctx)


def _preview(ctx: Context, dropped: IncomingFile) -> Reply:
    """Read the file, show what importing it would do, keep it for the confirmation."""
    name = shorten(dropped.name, 60)
    size = max(dropped.size, len(dropped.data or b""))
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // _MEGABYTE
        raise UserError(say.TOO_BIG.format(name=name, size=-(-size // _MEGABYTE), limit=limit))
    if dropped.data is None:
        raise UserError(say.UNREADABLE.format(name=name))
    target = _target(ctx)
    with _rolled_back(ctx.db):
        report = _imported(ctx, name, dropped.name, dropped.data, target, dry_run=True)
    pending_imports.put(
        ctx.db,
        ctx.message.room,
        ctx.user.chat_id,
        plan_id=target.id if target else None,
        file_name=dropped.name,
        data=dropped.data,
        at=ctx.now,
    )
    text = say.PREVIEW.format(
        name=name, report=report_text(report), minutes=pending_imports.KEPT_MINUTES
    )
    return Reply(text=safe(text))


def _apply(ctx: Context) -> Reply:
    pending = pending_imports.take(ctx.db, ctx.message.room, ctx.user.chat_id)
    if pending is None:
        raise UserError(say.NOTHING_PENDING)
    name = shorten(pending.file_name, 60)
    if pending.expired(ctx.now):
        # Returned, not raised: the expired file's deletion is kept.
        text = say.EXPIRED.format(name=name, minutes=pending_imports.KEPT_MINUTES)
        return Reply(text=safe(text), refused=True)
    target = plans.plan_by_id(ctx.db, pending.plan_id) if pending.plan_id else None
    report = _imported(ctx, name, pending.file_name, pending.data, target, dry_run=False)
    return Reply(text=safe(say.APPLIED.format(name=name, report=report_text(report))))


def _cancel(ctx: Context) -> Reply:
    pending = pending_imports.take(ctx.db, ctx.message.room, ctx.user.chat_id)
    if pending is None:
        raise UserError(say.NOTHING_PENDING)
    return Reply(text=safe(say.CANCELLED.format(name=shorten(pending.file_name, 60))))


def _target(ctx: Context) -> plans.Plan | None:
    """The room's plan; None in a database without a plan (the import creates one)."""
    if ctx.plan is None and plans.all_plans(ctx.db):
        raise UserError(ctx.plan_refusal or texts.EMPTY_PLAN)
    if ctx.plan is not None and ctx.plan.closed:
        raise UserError(texts.PLAN_CLOSED.format(code=ctx.plan.code))
    return ctx.plan


def _imported(
    ctx: Context,
    name: str,
    file_name: str,
    data: bytes,
    target: plans.Plan | None,
    *,
    dry_run: bool,
) -> ImportReport:
    try:
        parsed = parse_bytes(file_name, data)
        code = target.code if target else None
        return import_plan(ctx.db, parsed, code, who=ctx.user.chat_id, dry_run=dry_run)
    except ImportFormatError as error:
        raise UserError(say.REFUSED.format(name=name, error=error)) from None


@contextmanager
def _rolled_back(db) -> Iterator[None]:
    """Whatever the block writes is undone (the preview runs inside the command's
    transaction, which `import_plan(dry_run=True)` joins rather than rolls back)."""
    db.execute("savepoint chat_import_preview")
    try:
        yield
    finally:
        db.execute("rollback to chat_import_preview")
        db.execute("release chat_import_preview")
