"""What every docstring example (`>>>`) may use without building it: `db`, an in-memory
database holding the bundled example plan, and `plan_id`, that plan's id.

Used when pytest runs the examples of a module (`pytest --doctest-modules storage/db.py`);
`tests/test_examples.py` runs the examples of `commands/`, `storage/` and `reports/` with the
same namespace (`example_namespace`)."""

import pytest

from storage.db import open_db
from storage.importing import import_plan, load_example
from storage.plans import only_plan


def example_namespace() -> dict:
    """A fresh database with the bundled example imported, and the id of its one plan."""
    db = open_db(":memory:")
    import_plan(db, load_example())
    return {"db": db, "plan_id": only_plan(db).id}


@pytest.fixture(autouse=True)
def _examples_see_the_example_plan(request):
    # Only doctest items get the namespace: building a database for every test would be waste.
    if isinstance(request.node, pytest.DoctestItem):
        request.getfixturevalue("doctest_namespace").update(example_namespace())
