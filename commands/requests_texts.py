"""What the requests say (commands/requests.py)."""

SECTION = "Demandes au DG"
WHAT = {
    "echeance": "report de l'action {code} au {wanted}",
    "pas-moi": "l'action {code} n'est pas de {who}",
    "nouvelle-action": "nouvelle action dans l'OO {oo} : « {wanted} »",
    "suspend": "suspendre l'action {code}",
    "abandon": "abandonner l'action {code}",
}
WHAT_DEADLINE_UNSAID = "report de l'action {code} (échéance à préciser)"
RECORDED = "Demande n° {id} envoyée au DG : {what}. Rien ne change avant sa décision."
CODIR_NEW = "📨 Demande n° {id} de {who} : {what}{reason} — !valider {id} ou !refuser {id} raison"
REASON = " ({reason})"
NONE_OPEN = "Aucune demande en attente."
OPEN_HEAD = "Demandes en attente ({count}) :"
OPEN_LINE = "• n° {id} — {who}, le {day} : {what}{reason}"
OPEN_FOOT = "Pour décider : !valider N ou !refuser N raison."
UNKNOWN = "Pas de demande n° {id} en attente. Tapez !demandes pour les voir."
DECIDED = "La demande n° {id} est déjà {decision}."
NOT_A_NUMBER = "« {word} » n'est pas un numéro de demande. Exemple : !valider 4"
MISSING_NUMBER = "Il manque le numéro de la demande. Exemple : !valider 4"
MISSING_REASON = "Dites pourquoi vous refusez. Exemple : !refuser 4 budget non disponible"
VALIDATED = "Demande n° {id} validée : {done}."
REFUSED = "Demande n° {id} refusée ; {who} est prévenu."
TOLD_VALIDATED = "✅ Votre demande n° {id} est validée : {what}."
TOLD_REFUSED = "❌ Votre demande n° {id} ({what}) est refusée : {reason}"
CODIR_VALIDATED = "✅ Demande n° {id} de {who} validée : {done}"
#: What validating did, per kind.
DONE_DEADLINE = "action {code}, échéance {old} → {new}"
DONE_NOT_ME = "{pilots} n'est plus pilote de l'action {code} ; donnez-lui un pilote avec !pilote"
DONE_NEW_ACTION = "action {code} « {title} » créée dans l'OO {oo}"
DONE_STATUS = "action {code} : {old} → {new}"
NEW_ACTION_NOTE = "créée sur demande n° {id}"
STATUS_NOTE = "{reason} (demande n° {id})"
NOT_ME_NOTE = "{pilots} retiré des pilotes (demande n° {id})"
BAD_DEADLINE = (
    "L'échéance demandée « {wanted} » n'est pas une date comprise : donnez-la en validant, "
    "par exemple !valider {id} 2027-06-30"
)
PAST_DEADLINE = (
    "L'échéance « {wanted} » est déjà passée : donnez une date à venir en validant, par "
    "exemple !valider {id} 2027-06-30"
)
#: `!demande` refusals.
FORMS = (
    "Exemples : !demande 95 échéance 2027-06-30 raison marché relancé ; !demande 12 pas-moi ; "
    "!demande nouvelle OO 2.1 titre Créer un guichet ; !demande 95 abandon projet repris"
)
MISSING = "Que demandez-vous ? " + FORMS
UNKNOWN_KIND = "Je ne comprends pas « {word} ». " + FORMS
DEADLINE_MISSING = "Quelle échéance demandez-vous ? Exemple : !demande {code} échéance 2027-06-30"
DEADLINE_NOT_UNDERSTOOD = (
    "Échéance « {wanted} » non reconnue. Exemples : 2027-06-30, juin 2027, T2 2027, 2027."
)
REASON_MISSING = "Dites pourquoi. Exemple : !demande {code} {kind} attente du budget"
OO_MISSING = "Dans quelle OO ? Exemple : !demande nouvelle OO 2.1 titre Créer un guichet"
OO_UNKNOWN = "L'OO {oo} n'existe pas dans ce plan."
TITLE_MISSING = "Quel titre ? Exemple : !demande nouvelle OO {oo} titre Créer un guichet"
NOT_PILOT = "Seuls les pilotes de l'action {code} ({pilots}) peuvent faire cette demande."
NOT_A_PILOT = "Seuls les pilotes du plan peuvent demander une nouvelle action."
#: A pilot's second deadline request on an action replaces their first, still open.
REPLACES = ", à la place de la n° {id}"
REPLACED_BY = "remplacée par la demande n° {id}"
#: A request not worth the DG's decision: nothing recorded, nothing posted.
ALREADY_MINE = (
    "Votre demande n° {id} ({what}) attend déjà la décision du DG : rien n'est envoyé "
    "une seconde fois."
)
ALREADY_ASKED = (
    "La demande n° {id} de {who} ({what}) attend déjà la décision du DG : rien n'est envoyé "
    "une seconde fois."
)
DEADLINE_PAST = "L'échéance « {wanted} » est déjà passée : rien n'est envoyé au DG."
DEADLINE_SAME = "L'action {code} a déjà l'échéance « {deadline} » : rien n'est envoyé au DG."
STATUS_SAME = "L'action {code} a déjà le statut « {status} » : rien n'est envoyé au DG."
AS_REQUEST = (
    "Action {code} : demande n° {id} envoyée au DG ({what}) ; rien ne change avant sa décision"
)
