"""What the import says to users (French): its refusals and its warnings, by name.

"{…}" fields are filled in by the raising code:

    >>> MESSAGES["cell_too_long"].format(limit=32_767)
    "une cellule de plus de 32767 caractères (la limite d'une cellule Excel) : fichier abîmé ?"
"""

MESSAGES = {
    "line": "Ligne {line} : {message}",
    "action_before_oo": "ligne « {label} » avant tout objectif opérationnel (O.O.).",
    "oo_before_os": "objectif opérationnel « {label} » avant tout objectif stratégique (O.S.).",
    "oo_wrong_os": (
        "l'objectif opérationnel « {label} » n'appartient pas à l'objectif stratégique "
        "en cours (O.S.{os_number})."
    ),
    "no_title": "ligne « {label} » sans intitulé.",
    "duplicate_os": "l'objectif stratégique O.S.{number} apparaît deux fois.",
    "duplicate_oo": "l'objectif opérationnel O.O.{number} apparaît deux fois.",
    "duplicate_action": "l'action {number} apparaît deux fois (déjà ligne {first_line}).",
    "unknown_row": (
        "ligne non reconnue « {text} » : on attend « O.S.n », « O.O.n.m » ou « Action n » "
        "en première cellule."
    ),
    "nothing": "Le fichier ne contient ni objectif ni action : rien à importer.",
    "no_code": "ligne « {title} » sans numéro d'action.",
    "skipped_sheets": "Feuilles sans en-têtes de PST, ignorées : {names}.",
    "in_sheet": "Feuille « {name} » : {text}",
    "sheets_left": "Seules les {limit} premières feuilles ont été lues.",
    "skipped_row": "Ligne {line} ignorée (ni action ni objectif) : « {text} ».",
    "no_header": (
        "Ligne d'en-têtes introuvable dans les {rows} premières lignes : on attend par ex. "
        "« N° », « Intitulé », « Indicateurs », « Pilote(s) », « Échéance »."
    ),
    "missing_column": "colonne obligatoire « {column} » absente (en-têtes acceptés : {aliases}).",
    "empty_file": "Le fichier est vide : la première ligne doit contenir les en-têtes.",
    "bad_os": "objectif stratégique « {value} » invalide : on attend un numéro, ex. « 1 ».",
    "bad_oo": "objectif opérationnel « {value} » invalide : on attend par ex. « 1.2 ».",
    "bad_action": (
        "numéro d'action « {value} » invalide : on attend un numéro, ex. « 12 » ou « 1.2.3 »."
    ),
    "bad_progress": "avancement « {value} » invalide : on attend un nombre de 0 à 100.",
    "title_mismatch": (
        "l'intitulé de {label} (« {value} ») diffère de celui donné ligne {first_line} "
        "(« {first_value} »)."
    ),
    "unreadable_xlsx": "Fichier Excel illisible : {detail}",
    "unreadable_ods": "Fichier OpenDocument (.ods) illisible : {detail}",
    "too_many_merged": "Classeur refusé : plus de {limit} cellules fusionnées (fichier abîmé ?).",
    "unknown_format": (
        "Format de fichier non reconnu : « {suffix} ». "
        "Formats acceptés : .csv, .xlsx, .xls, .ods, .md, .txt, .xml (eComptes)."
    ),
    "unknown_volet": "Ligne {line} : volet « {value} » non reconnu, ignoré.",
    "unknown_column": "Colonne « {column} » non reconnue, ignorée.",
    "csv_not_utf8": "Le fichier CSV n'est pas en UTF-8 ; lu comme Windows-1252.",
    "file_too_large": (
        "Fichier trop gros ({size} Mo, au plus {limit} Mo) : un PST tient dans quelques "
        "centaines de lignes. Enregistrez seulement le tableau récapitulatif."
    ),
    "too_many_rows": (
        "Le fichier a plus de {limit} lignes : un PST en compte quelques centaines. "
        "Enregistrez seulement le tableau récapitulatif."
    ),
    "wrong_plan": (
        "Ce fichier semble être un autre PST que « {plan} » : {differ} des {common} actions "
        "qu'ils ont en commun ont un autre intitulé (par ex. l'action {example}). Rien n'a été "
        "modifié. Pour l'importer à côté, donnez-lui son propre code : --plan NOUVEAU-CODE."
    ),
    "which_plan": (
        "La base contient plusieurs PST ({codes}) : dites lequel importer avec --plan CODE "
        "(un nouveau code crée un nouveau PST)."
    ),
    "bad_plan_code": (
        "Code de PST « {code} » invalide : lettres minuscules, chiffres et tirets, "
        "par ex. cpas, commune, cpas-2019."
    ),
    "closed_plan": "Le PST « {code} » est clôturé : il ne s'importe plus. Rien n'a été modifié.",
    "free_status": (
        "Action {code} : statut « {text} » non reconnu, gardé en commentaire (statut inchangé)."
    ),
    "zip_bomb": (
        "Classeur refusé : une fois décompressé il ferait plus de {limit} Mo "
        "(fichier abîmé ou piégé)."
    ),
    "unsafe": "{name} est refusé par sécurité : {reason}",
    "unsafe_dtd": (
        "{where} déclare une DTD ou des entités XML, ce qu'aucun tableur ni logiciel "
        "comptable n'écrit : de telles entités servent à lire des fichiers du serveur ou à "
        "saturer sa mémoire."
    ),
    "unsafe_depth": (
        "{where} imbrique plus de {limit} éléments XML les uns dans les autres "
        "(fichier abîmé ou piégé)."
    ),
    "unsafe_token": (
        "{where} contient un texte ou une balise XML de plus de {limit} Mo d'un seul tenant "
        "(fichier abîmé ou piégé)."
    ),
    "unsafe_count": (
        "{where} contient plus de {limit} éléments XML, un PST en compte quelques dizaines "
        "de milliers (fichier abîmé ou piégé)."
    ),
    "unsafe_elements": (
        "{where} contient un élément fait de plus de {limit} éléments XML (fichier abîmé ou piégé)."
    ),
    "too_many_parts": (
        "Classeur refusé : plus de {limit} parties dans l'archive, un classeur en compte "
        "quelques dizaines (fichier abîmé ou piégé)."
    ),
    "encrypted_or_xls": (
        "Ce fichier est un classeur Excel ancien (.xls) ou protégé par un mot de passe : "
        "enregistrez-le au format .xlsx (ou .ods), sans mot de passe."
    ),
    "encrypted_member": (
        "Classeur protégé par un mot de passe : enregistrez-le sans mot de passe."
    ),
    "too_many_cells": (
        "Classeur refusé : plus de {limit} cellules, un PST en compte quelques milliers. "
        "Enregistrez seulement le tableau récapitulatif."
    ),
    "too_many_strings": (
        "Classeur refusé : plus de {limit} textes différents, un PST en compte quelques "
        "milliers. Enregistrez seulement le tableau récapitulatif."
    ),
    "cell_too_long": (
        "une cellule de plus de {limit} caractères (la limite d'une cellule Excel) : "
        "fichier abîmé ?"
    ),
    "too_much_text": (
        "Le fichier contient plus de {limit} millions de caractères de texte : un PST en "
        "compte quelques centaines de milliers. Enregistrez seulement le tableau récapitulatif."
    ),
    "text_not_utf8": "Le fichier texte n'est pas en UTF-8 ; lu comme Windows-1252.",
    "csv_separator": "{text} Colonnes lues séparées par : {name}.",
    "renumbered": (
        "Numérotation des actions recommencée dans chaque O.O. : codes rendus uniques par "
        "l'O.S. et l'O.O. (ex. « {code} » de l'O.O.{oo} devient « {unique} »)."
    ),
    "formulas_without_values": (
        "formules sans valeurs enregistrées ({count} cellules, ex. {cell} de la feuille "
        "« {sheet} ») : ouvrez et enregistrez le fichier dans Excel/LibreOffice, puis "
        "importez-le à nouveau."
    ),
    "xls_is_html": (
        "Ce fichier .xls est en réalité une page web (HTML) : ouvrez-le dans Excel ou "
        "LibreOffice et enregistrez-le au format .xlsx (ou .ods), puis importez ce fichier."
    ),
    "unreadable_xls": "Fichier Excel ancien (.xls) illisible : {detail}",
    "oo_out_of_os": "l'action {code} n'appartient à aucun O.O. connu (O.O.{oo} absent).",
    "field_not_understood": (
        "Ligne {line} : {field} « {text} » non compris, ignoré (on attend par ex. « {example} »)."
    ),
    "csv_cell_too_long": (
        'une cellule de plus de {limit} caractères : un guillemet (") ouvert dans une '
        "cellule n'est sans doute jamais refermé."
    ),
}
