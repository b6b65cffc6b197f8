"""What the reporting campaigns say (commands/campaigns.py)."""

BAD_DAY = "« {word} » n'est pas une date. Exemple : !campagne 2027-03-01 2027-03-15"
BAD_SCOPE = "« {word} » n'est pas un OS. Exemple : !campagne 2027-03-01 2027-03-15 OS 2"
MISSING_CLOSE = "Il manque la date de clôture. Exemple : !campagne 2027-03-01 2027-03-15"
CLOSE_BEFORE_OPEN = "La clôture doit suivre l'ouverture. Exemple : !campagne 2027-03-01 2027-03-15"
CLOSE_PAST = "La clôture du {closes} est déjà passée."
NO_SUCH_OS = "Le plan n'a pas d'OS {os}."
OVERLAP = "La campagne n° {id} couvre déjà ces jours : une à la fois."
ADMINS_ONLY = (
    "Lancer une campagne est réservé aux administrateurs ; !campagne montre où elle en est."
)
CREATED = (
    "Campagne n° {id} du {opens} au {closes} : {pilots} pilotes, {actions} actions. Chaque "
    "pilote reçoit sa demande à l'ouverture, un rappel deux jours ouvrés avant la clôture."
)
NO_SUCH_CAMPAIGN = "Pas de campagne n° {id} dans ce plan ; !campagne montre la dernière."
NONE = "Aucune campagne. Exemple : !campagne 2027-03-01 2027-03-15"
SCOPE_OS = ", OS {os}"
RATE = "Campagne n° {id} ({opens} → {closes}{scope}) : {pilots} pilotes, {actions} actions."
MISSING_LINE = "Sans réponse : {names}"
CLOSED_KEPT = "Close : la situation est gardée (pst-bot evaluation --campagne {id})."
OPEN_HEAD = "Campagne de suivi : donnez des nouvelles de vos {count} actions d'ici le {closes}."
NUDGE_HEAD = "Rappel : {count} de vos actions attendent encore des nouvelles, clôture le {closes}."
ACTION_LINE = "• {code} {title} ({status})"
MORE = "… et {count} autres"
HOW = "Répondez ici, par exemple : !maj {code} en cours 50% ou !maj {code} ras"
