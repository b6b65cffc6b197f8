"""A configuration's mistakes as the administration's IT reads them: in French, each named by
its key (« access.validate.0 »), whatever pydantic calls them.

    >>> from typing import Literal
    >>> from pydantic import BaseModel, Field
    >>> class Access(BaseModel):
    ...     validate_: list[Literal["abandon", "suspend"]] = Field([], alias="validate")
    >>> try:
    ...     Access.model_validate({"validate": ["tout"]})
    ... except ValidationError as error:
    ...     print(described(error))
    « validate.0 » : « tout » n'est pas une valeur permise (attendu : 'abandon' ou 'suspend')
"""

from pydantic import ValidationError

#: Pydantic's error types -> the French sentence ({input}, {expected} from the error).
_SENTENCES = {
    "literal_error": "« {input} » n'est pas une valeur permise (attendu : {expected})",
    "date_from_datetime_parsing": "« {input} » n'est pas une date (AAAA-MM-JJ)",
    "date_parsing": "« {input} » n'est pas une date (AAAA-MM-JJ)",
    "date_from_datetime_inexact": "« {input} » n'est pas une date (AAAA-MM-JJ)",
    "int_parsing": "« {input} » n'est pas un nombre entier",
    "int_type": "« {input} » n'est pas un nombre entier",
    "bool_parsing": "« {input} » n'est ni true ni false",
    "bool_type": "« {input} » n'est ni true ni false",
    "string_type": "« {input} » n'est pas un texte (entre guillemets)",
    "list_type": 'une liste est attendue, par exemple ["a", "b"]',
}


def _sentence(item: dict) -> str:
    known = _SENTENCES.get(item["type"])
    if known is None:
        return item["msg"].removeprefix("Value error, ")
    expected = str((item.get("ctx") or {}).get("expected", "")).replace(" or ", " ou ")
    return known.format(input=item.get("input"), expected=expected)


def described(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        if item["type"] == "missing":
            problems.append(f"clé manquante « {where} »")
        elif item["type"] == "extra_forbidden":
            problems.append(f"clé inconnue « {where} »")
        else:
            message = _sentence(item)
            problems.append(f"« {where} » : {message}" if where else message)
    return "; ".join(problems)
