/**
 * What pages say, in the seven languages the product serves (en, de, fr, es,
 * it, nl, pt). Patterns match FOLDED text (see text.ts: lower case, accents
 * stripped, punctuation as spaces), so they are written without accents.
 */
import { fold } from "../../../core/text";

const re = (parts: string[]) => new RegExp(`(?:^|\\s)(?:${parts.join("|")})`, "i");

export const PHRASES = {
  /** The listing (or the form page) was accepted. */
  success: re([
    "thank you", "thanks", "success(fully)?", "submitted", "received", "has been (added|created|saved|sent|submitted|registered|listed|published|received)",
    "we got it", "all set", "awaiting (review|approval|moderation)", "pending (review|approval|moderation)", "is pending", "moderation queue", "review queue",
    "will (appear|be visible|be reviewed|be published|be live)", "welcome aboard", "(is|are) now (listed|live|online)", "submission (complete|accepted|received)",
    "listing (was|has been) (successfully )?(created|submitted|added)", "cheers", "your (free )?listing has been",
    "vielen dank", "danke", "erfolgreich", "eingegangen", "ubermittelt", "gespeichert", "wird (gepruft|freigeschaltet|veroffentlicht)",
    "merci", "bien ete enregistree?", "enregistree?", "prise en compte", "a ete ajoutee?", "apres validation",
    "gracias", "ha sido registrad[ao]", "registrad[ao] correctamente", "recibid[ao]", "completad[ao]", "aparecera", "enviad[ao] correctamente",
    "grazie", "inviat[ao] con successo", "e stata (inviata|inserita|registrata)", "inserit[ao]", "con successo",
    "bedankt", "hartelijk dank", "ontvangen", "aangemeld", "toegevoegd", "wordt binnenkort zichtbaar", "inschrijving is ontvangen",
    "obrigad[oa]", "foi (recebid[oa]|registad[oa]|registrad[oa])", "recebid[oa]", "sucesso", "realizado com sucesso", "cadastro realizado",
  ]),
  /** Accepted, but an e-mailed link must be opened first. */
  emailPending: re([
    "check your (inbox|e ?mail)", "confirm your e ?mail", "confirmation (link|e ?mail)", "verify your e ?mail", "click the link",
    "activation (link|e ?mail)", "bestatigen sie ihre e ?mail", "bestatigungs ?(link|mail|e ?mail)", "uber den link",
    "confirmer votre (adresse|e ?mail|inscription)", "lien (de confirmation|envoye)", "verifiez votre (boite|e ?mail)",
    "confirmar su (direccion|correo|e ?mail)", "enlace (de confirmacion|para confirmar)", "revise su correo",
    "confermare l'? ?indirizzo", "link (di conferma|per confermare)", "controlli la posta",
    "bevestig(en)? (uw|je) (e ?mail|adres)", "link in de e ?mail", "om uw adres te bevestigen",
    "confirmar o endereco", "link que envi", "confirme o seu (e ?mail|endereco)",
  ]),
  /** The page says it is live now (with a link): approved. */
  live: re([
    "(is|are) now (listed|live|online|published)", "view your listing", "your listing is live",
    "ist (jetzt|nun) online", "ist freigeschaltet", "est (maintenant )?en ligne", "ya esta publicad", "e online", "staat (nu )?online", "ja esta (online|publicad)",
  ]),
  duplicate: re([
    "already (exists|listed|registered|in our directory|been (submitted|listed|registered))", "exists already", "duplicate (listing|entry|submission)",
    "bereits (ein eintrag|vorhanden|eingetragen|registriert)", "existiert bereits", "schon (vorhanden|eingetragen)",
    "existe deja", "deja (inscrite?|enregistree?|referencee?|presente?)",
    "ya existe", "ya (esta|se encuentra) (registrad|dad)",
    "esiste gia", "gia (presente|registrat|inserit)",
    "bestaat al", "al (aangemeld|geregistreerd|vermeld)", "er bestaat al",
    "ja existe", "ja (esta )?(registad|registrad|cadastrad)",
  ]),
  rateLimited: re([
    "too many (requests|attempts|submissions)", "rate limit", "slow down",
    "zu viele (anfragen|versuche)", "trop de (requetes|tentatives|demandes)", "demasiadas (solicitudes|peticiones|intentos)",
    "troppe (richieste|tentativi)", "te veel (verzoeken|pogingen)", "demasiados pedidos", "muitas (solicitacoes|tentativas|requisicoes)",
  ]),
  blocked: re([
    "access denied", "forbidden", "you have been blocked", "has been blocked", "automated (requests|traffic|submissions)", "spam detected", "suspicious activity",
    "verify you are (a )?human", "checking your browser", "just a moment", "could not be processed", "request (was )?rejected",
    "zugriff verweigert", "gesperrt", "blockiert", "konnte nicht verarbeitet werden",
    "acces refuse", "acces interdit", "bloque", "n'? ?a pas pu etre traitee",
    "acceso denegado", "bloquead[ao]", "no se ha podido procesar",
    "accesso negato", "bloccat[ao]", "impossibile elaborare",
    "toegang geweigerd", "geblokkeerd", "kon niet worden verwerkt",
    "acesso negado", "nao foi possivel processar",
  ]),
  sessionExpired: re([
    "session (has )?expired", "security token", "csrf", "invalid token", "token (is )?(invalid|expired)", "page has expired",
    "sitzung ist abgelaufen", "sicherheitstoken", "session a expire", "jeton de securite", "sesion ha caducado", "token de seguridad",
    "sessione scaduta", "token di sicurezza", "sessie is verlopen", "beveiligingstoken", "sessao expirou", "token de seguranca",
  ]),
  unavailable: re([
    "service (temporarily )?unavailable", "temporarily unavailable", "under maintenance", "internal server error", "bad gateway", "try again in a moment",
    "vorubergehend nicht verfugbar", "wartungsarbeiten", "momentanement indisponible", "en maintenance", "no disponible temporalmente",
    "temporaneamente non disponibile", "tijdelijk niet beschikbaar", "temporariamente indisponivel",
  ]),
  notFound: re([
    "page not found", "404", "not found", "no longer (exists|available)", "seite nicht gefunden", "page introuvable", "pagina no encontrada",
    "pagina non trovata", "pagina niet gevonden", "pagina nao encontrada",
  ]),
  captchaWrong: re([
    "captcha", "verification failed", "security (code|check)", "wrong code", "not a robot", "characters shown",
    "sicherheitsprufung", "sicherheitscode", "code de securite", "verification a echoue", "recopiez le code",
    "verificacion ha fallado", "codigo de seguridad", "verifica non riuscita", "codice di sicurezza",
    "verificatie is mislukt", "beveiligingscode", "verificacao falhou", "codigo de seguranca",
  ]),
  validation: re([
    "required", "is invalid", "valid (value|email|url|phone|number|address)", "must (be|contain|start)", "please (enter|correct|fill|select|choose|provide)", "at most", "at least", "too (long|short)",
    "pflichtfeld", "gultig", "bitte (geben|korrigieren|wahlen|fullen)", "hochstens", "mindestens",
    "obligatoire", "valide", "veuillez", "caracteres maximum",
    "obligatori[oa]", "valido", "introduzca", "corrija", "maximo",
    "valore valido", "inserire", "massimo", "correggere",
    "verplicht", "geldige", "controleer", "maximaal",
    "introduza", "invalido",
  ]),
  /** A field that is "taken" is a refused value (username, e-mail), not a duplicate listing. */
  taken: re(["already (taken|in use|registered)", "is taken", "bereits vergeben", "deja (pris|utilise)", "ya (esta )?en uso", "gia in uso", "al in gebruik", "ja (esta )?em uso"]),
  /** Still working: keep waiting. */
  busy: re(["loading", "submitting", "sending", "please wait", "processing", "wird geladen", "bitte warten", "chargement", "envoi en cours", "cargando", "enviando", "caricamento", "invio in corso", "laden", "bezig", "a carregar", "enviando"]),
  /** Buttons that do not submit a listing. */
  notSubmit: re(["back", "previous", "cancel", "reset", "clear", "search", "login", "log in", "sign in", "zuruck", "abbrechen", "suchen", "retour", "annuler", "rechercher", "atras", "cancelar", "buscar", "indietro", "annulla", "cerca", "terug", "annuleren", "zoeken", "voltar", "pesquisar"]),
  /** Buttons that move a wizard on or submit. */
  submit: re([
    "submit", "send", "next", "continue", "save", "add", "create", "register", "sign up", "publish", "list",
    "absenden", "senden", "weiter", "speichern", "eintragen", "registrieren", "envoyer", "suivant", "valider", "enregistrer", "inscrire", "continuer",
    "enviar", "siguiente", "guardar", "registrar", "continuar", "invia", "avanti", "salva", "registra", "continua",
    "versturen", "verzenden", "volgende", "opslaan", "aanmelden", "registreren", "seguinte", "proximo", "gravar", "registar", "cadastrar",
  ]),
  /** Links that lead to a directory's submission form. */
  addBusiness: re([
    "add (your |a )?(business|listing|company|site|firm)", "submit (your |a )?(business|listing|site|company)", "list your business", "get listed", "register (your )?business", "free listing", "add listing",
    "firma eintragen", "unternehmen eintragen", "kostenlos eintragen", "eintrag (erstellen|hinzufugen)", "jetzt eintragen",
    "ajouter (votre |une )?(entreprise|fiche|societe|site)", "inscrire (votre )?entreprise", "referencer (votre )?entreprise",
    "anadir (su |tu )?(empresa|negocio|ficha)", "alta (de )?empresa", "registrar (su |tu )?(empresa|negocio)", "dar de alta",
    "aggiungi (la tua |la sua )?(azienda|attivita|scheda)", "inserisci (la tua )?(azienda|attivita)", "iscrivi (la tua )?azienda",
    "bedrijf (aanmelden|toevoegen|registreren)", "aanmelden", "registar (a )?empresa", "cadastrar (sua |a )?empresa", "adicionar (a sua )?empresa", "anunciar",
  ]),
} as const;

export type PhraseKind = keyof typeof PHRASES;

export function says(kind: PhraseKind, text: string): boolean {
  return PHRASES[kind].test(fold(text));
}
