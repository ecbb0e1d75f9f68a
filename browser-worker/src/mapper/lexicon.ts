/**
 * The mapper's words: what labels, placeholders and names say in English,
 * German, French, Spanish, Italian, Dutch and Portuguese (plus the most
 * common words in a few other scripts, because real pages have them).
 *
 * Patterns are regex fragments matched against NORMALIZED text: lower case,
 * accents stripped (é→e, ß→ss), camelCase/snake/kebab/digits split into
 * space-separated tokens. A pattern matches whole tokens unless it spells
 * out `\w*` itself (German compounds: "telefon\w*" covers Telefonnummer).
 * Identifier signals (name/id) additionally match long patterns inside
 * squashed tokens ("billingfirstname"), see scoring.ts.
 *
 * When two classes match overlapping text the longer match wins ("email
 * address" beats "address", "company name" beats "name"), so each list can
 * stay simple. Strength says how sure a pattern is on its own.
 */
import { MODEL } from "./model-data";
import type { LexiconEntry, MapperConfig, SignalWeights } from "./types";

export const LEXICON: LexiconEntry[] = [
  // ---- contact -------------------------------------------------------
  ["email", 1, [
    "e ?mail( ?ad+res+e?)?", "email ?id", "e ?mail ?adres+e?", "emailadres+e?", "mail ?adres+e?", "mailadresse",
    "courriel", "adresse (e ?mail|electronique|courriel|mail)", "correo( electronico)?", "e ?post",
    "posta elettronica", "indirizzo (e ?mail|di posta)", "endereco (de )?e ?mail", "endereco eletronico",
    "e ?mailadres", "электронн\\S* почт\\S*", "почт\\S*", "email адрес", "メール\\S*", "邮箱", "电子邮件", "電子郵件", "이메일",
    "e ?mail ?confirm\\w*", "confirm\\w* (your )?e ?mail", "re ?enter (your )?e ?mail", "retype e ?mail",
    "courrier electronique", "mailadres", "e ?mail ?adresse",
  ]],
  ["email", 0.9, [
    "(e ?mail)( address)? (or|ou|o|oder|of) (phone|mobile|cell)( number)?", "(phone|mobile|cell)( number)? (or|ou|o|oder|of) e ?mail( address)?",
    "(telefon|handy|mobil)\\w* (oder) e ?mail( adresse)?", "e ?mail( adresse)? (oder) (telefon|handy|mobil)\\w*",
  ]],
  ["email", 0.55, ["mail", "e ?m", "e ?posta", "eposta", "adres e ?mail"]],
  ["tel", 1, [
    "(tele)?phone( ?(number|no|nr|num))?", "tel(e|l)?", "tel no", "telephone", "telefon\\w*", "telefoon\\w*", "telefono", "telefone", "telemovel",
    "mobile( ?(phone|number|no|nr))?", "mobil\\w*", "handy\\w*", "cell( ?phone| ?number)?", "cellular", "cellulare", "celular", "movil",
    "portable", "numero (de )?(telephone|portable|mobile)", "rufnummer", "phone ?number", "contact ?(number|phone)",
    "numero de (telefono|celular|movil|telefone|celular)", "numero di (telefono|cellulare)", "telefonnummer",
    "gsm", "whats ?app", "телефон\\S*", "電話\\S*", "携帯\\S*", "手机\\S*", "电话\\S*", "手機\\S*", "전화\\S*", "휴대폰\\S*",
    "daytime phone", "phone ?nr", "tel ?nr", "fon", "msisdn", "mobiel\\w*", "mobiele nummer", "telemovel", "numero de celular",
  ]],
  ["fax", 1, ["fax\\w*", "telefax", "telecopie\\w*", "fax ?(number|nummer|no)"]],
  ["url", 1, [
    "website( ?(url|address|adress))?", "web ?site", "url", "home ?page", "web ?page", "site web", "site internet", "sitio web",
    "pagina web", "sito( web| internet)?", "webseite", "internetseite", "internet ?adres+e?", "web ?adres+e?", "www", "web",
    "homepage", "site", "your site", "link", "domain( name)?", "website ?link", "company website", "business website",
  ]],
  ["social-facebook", 1, ["facebook( ?(url|page|profile|link))?", "fb( ?url)?"]],
  ["social-instagram", 1, ["instagram( ?(url|handle|profile|link))?", "insta"]],
  ["social-linkedin", 1, ["linked ?in( ?(url|profile|page))?"]],
  ["social-twitter", 1, ["twitter( ?(url|handle|profile))?", "x ?(\\( ?twitter ?\\)|com|handle)"]],
  ["social-youtube", 1, ["you ?tube( ?(url|channel))?"]],
  ["social-tiktok", 1, ["tik ?tok"]],
  ["social-other", 0.9, ["pinterest", "yelp", "xing", "vimeo", "snapchat", "threads", "mastodon", "tumblr", "foursquare", "tripadvisor", "social( media)?( ?(url|link|profile))?", "google (business|my business|maps)"]],

  // ---- people ----------------------------------------------------------
  ["name", 1, [
    "full ?name", "your ?name", "complete name", "first and last name", "first (and|&) last", "name and surname",
    "nom complet", "nom et prenom", "prenom et nom", "nombre completo", "nombre y apellidos?", "nombre (y|e) apellido",
    "nome completo", "nome e cognome", "volledige naam", "voor en achternaam", "vollstandiger name", "vor und nach ?name",
    "vor und zuname", "vorname und nachname", "name vorname", "contact ?(name|person)", "ansprechpartner\\w*",
    "kontaktperson", "persona de contacto", "nome (do )?contato", "contactpersoon", "referente", "nom du contact",
    "фио", "имя и фамилия", "氏名", "お名前", "名前", "姓名", "이름", "real ?name", "name on account",
    "your full name", "legal name",
  ]],
  // "Dénomination" alone names the company in French (and its cousins), but a
  // church directory's "Denomination" is a category: weaker than the compounds.
  ["organization", 0.8, ["denomination", "denominacion", "denominazione", "denominacao"]],
  // A bare "name" is the commonest and least specific label on the web.
  ["name", 0.8, ["naam", "nom", "nombre", "nome", "name", "owner( name)?", "navn", "namn", "imie", "jmeno", "nev"]],
  ["given-name", 1, [
    "first ?name", "given ?name", "fore ?name", "f ?name", "firstname", "first nm", "vorname", "rufname", "prenom",
    "primer nombre", "nombre de pila", "nombre\\(s\\)", "nombres", "primeiro nome", "nome proprio", "nome di battesimo",
    "voornaam", "roepnaam", "имя", "名", "first", "forename", "christian name",
  ]],
  ["additional-name", 1, [
    "middle ?name", "middle initial", "middle", "m ?i", "initial", "segundo nombre", "zweiter vorname", "weitere vornamen",
    "second prenom", "autres prenoms", "secondo nome", "nome do meio", "tussenvoegsel\\w*", "отчество",
  ]],
  ["family-name", 1, [
    "last ?name", "sur ?name", "family ?name", "l ?name", "lastname", "last nm", "nachname", "familienname", "zuname",
    "nom de famille", "nom de naissance", "apellidos?", "primer apellido", "cognome", "sobrenome", "apelido", "ultimo nome",
    "achternaam", "familienaam", "фамилия", "姓", "苗字", "last", "second name", "lname",
  ]],
  ["organization", 1, [
    "company( ?name)?", "business( ?name)?", "organi[sz]ation( ?name)?", "firma", "firmen ?name", "firmenbezeichnung",
    "unternehmen(s ?name)?", "name (des|der) (unternehmens|firma)", "societe", "entreprise", "raison sociale",
    "nom (de l|de la|du) (entreprise|societe|commerce|etablissement)", "nom commercial", "etablissement",
    "empresa", "nombre (de la )?empresa", "razon social", "razao social", "denominacion social", "denomination (sociale|commerciale)",
    "denominazione sociale", "denominacao social", "compania", "negocio", "nombre (del )?negocio", "azienda",
    "ragione sociale", "societa", "nome (dell )?azienda", "ditta", "bedrijf", "bedrijfs ?naam", "onderneming",
    "nome (da )?empresa", "nome fantasia", "estabelecimento", "org", "employer", "listing (name|title)",
    "business title", "company title", "trading name", "shop name", "store name", "brand( name)?", "practice name",
    "venue( name)?", "компания", "организация", "会社名", "公司", "nome (do )?negocio", "nom de (votre )?(entreprise|societe)",
  ]],

  // ---- address ------------------------------------------------------
  ["address-line1", 1, [
    "street( ?address)?( ?line ?1)?", "address( ?line)? ?1", "addr(ess)? ?(line ?)?1", "address", "addr", "street and (house )?number",
    "strasse( und hausnummer| und nr| nr)?", "strasse", "str", "strasse hausnummer", "anschrift", "adresse( postale| ligne 1)?", "rue", "numero et rue", "voie",
    "direccion( postal| linea 1)?", "calle( y numero)?", "domicilio", "indirizzo( postale)?", "via", "straat( ?naam)?",
    "adres", "straat en huisnummer", "endereco", "rua", "morada", "logradouro", "line 1", "address 1",
    "street line 1", "adresse 1", "адрес", "улица", "住所", "地址", "주소", "billing address", "shipping address", "mailing address",
    "postal address", "physical address", "business address", "company address", "home address", "address line",
  ]],
  ["address-line2", 1, [
    "address( ?line)? ?2", "addr(ess)? ?(line ?)?2", "street( ?address)?( ?line)? ?2", "line 2", "apt", "apartment", "suite", "unit",
    "apt suite", "apartment suite unit", "building", "floor", "flat", "address (line )?two", "address continued", "address 2",
    "adresszusatz", "zusatz", "adress ?zeile ?2", "complement( d ?adresse)?", "batiment", "appartement", "etage", "lieu dit",
    "adresse (ligne )?2", "departamento", "piso", "apto", "numero interior", "direccion (linea )?2", "complemento",
    "interno", "scala", "indirizzo 2", "toevoeging", "adres ?regel 2", "endereco 2", "andar", "c o", "care of",
  ]],
  // PO boxes and neighbourhoods ride on the second address line
  ["address-line2", 0.75, ["p ?o ?box", "post office box", "postfach", "boite postale", "apartado( de correos)?", "casella postale", "caixa postal", "postbus", "bairro", "colonia", "barrio", "quartier", "ortsteil", "frazione"]],
  ["address-level2", 1, [
    "city", "town", "town city", "city town", "suburb", "locality", "stadt", "ort", "wohnort", "ortschaft", "gemeinde", "ville",
    "commune", "localite", "ciudad", "localidad", "poblacion", "municipio", "citta", "comune", "localita", "plaats",
    "woonplaats", "stad", "cidade", "localidade", "concelho", "город", "населенн\\S* пункт", "市区町村", "城市", "市", "도시",
    "city name", "ville commune",
  ]],
  ["address-level1", 1, [
    "state", "province", "region", "county", "prefecture", "state province", "state region", "province state",
    "state province region", "bundesland", "provinz", "kanton", "departement", "etat", "estado", "provincia", "region",
    "regione", "comunidad autonoma", "staat", "distrito", "provincie", "deelstaat", "bundesstaat", "uf", "область", "регион", "都道府県", "省", "州", "territory",
  ]],
  ["postal-code", 1, [
    "zip( ?code)?", "zip ?postal( ?code)?", "postal( ?code)?", "post ?code", "postcode", "postleitzahl", "plz", "code postal",
    "cp", "codigo postal", "cod postal", "cap", "c a p", "codice postale", "cep", "pin ?code", "pincode", "postal zip",
    "zipcode", "индекс", "почтовый индекс", "郵便番号", "邮编", "邮政编码", "우편번호", "zip postal code", "eircode",
  ]],
  ["country", 1, [
    "country( ?(or )?region)?", "country name", "land", "pays", "pais", "paese", "nazione", "nation", "страна", "国", "国家", "国家 地区", "국가",
    "country territory", "country of residence", "land region",
  ]],
  ["country", 0.6, ["stato", "estado pais", "country code"]],

  // ---- credentials ----------------------------------------------------
  ["username", 1, [
    "user ?name", "user ?id", "userid", "login( ?(name|id))?", "log in", "sign in( name| id)?", "login email", "benutzer( ?name)?",
    "benutzerkennung", "anmeldename", "nutzername", "kennung", "nom d ?utilisateur", "identifiant", "pseudo( nyme)?",
    "nombre de usuario", "usuario", "nome (de )?usuario", "nome utente", "utente", "gebruikers ?naam", "gebruiker",
    "member ?(id|name)", "account ?name", "user", "kullanici adi", "nazwa uzytkownika", "uzivatelske jmeno", "korisnicko ime",
    "(e ?mail|phone|mobile)( (address|number))? (or|ou|o|oder|of) (user ?name|login)",
    "(user ?name|login)( name)? (or|ou|o|oder|of) (e ?mail|phone|mobile)( (address|number))?",
    "(phone|mobile)( number)?,? (e ?mail|user ?name),? or (user ?name|e ?mail)",
    "логин", "имя пользователя", "ユーザー\\S*", "ログイン\\S*", "用户名", "账号", "帳號", "帐号", "아이디", "login ?id",
  ]],
  ["x-password", 1, [
    "pass ?word", "passwort", "kennwort", "mot de passe", "contrasena", "clave", "senha", "wachtwoord", "pass ?code", "pass",
    "pwd", "passwd", "pw", "password", "пароль", "パスワード", "密码", "密碼", "비밀번호", "parola d ?ordine", "wachtwoord",
    "sifre", "haslo", "heslo", "parola", "lozinka", "salasana", "losenord", "adgangskode",
  ]],
  // Words that move a password field to new-password / current-password.
  ["x-password-new", 1, [
    "confirm\\w*", "repeat", "retype", "re ?type", "re ?enter", "new", "create", "choose", "again", "verify", "verification",
    "bestatig\\w*", "wiederhol\\w*", "neues?", "confirmer", "confirmation", "nouveau", "confirmar", "repetir", "repita", "nueva",
    "conferma\\w*", "ripeti\\w*", "nuova", "bevestig\\w*", "herhaal", "nieuw\\w*", "confirme", "nova", "set", "setup",
  ]],
  ["x-password-current", 1, ["current", "old", "existing", "aktuell\\w*", "alt\\w*", "actuel\\w*", "ancien\\w*", "actual", "attuale", "huidig\\w*", "atual"]],

  // ---- directory-specific ----------------------------------------------
  ["description", 1, [
    "description", "describ\\w*", "descrivi\\w*", "decri(vez|re|s)", "descrev\\w*", "beschreib\\w*", "beschrijf\\w*", "business description", "company description", "about( (your|the) (business|company))?",
    "about us", "beschreibung", "firmenbeschreibung", "unternehmensbeschreibung", "description de", "presentation",
    "descripcion", "descrizione", "beschrijving", "omschrijving", "descricao", "summary", "bio", "profile", "overview",
    "tell us about", "a propos", "acerca de", "sobre (nosotros|a empresa)", "chi siamo", "over ons", "ueber uns", "uber uns",
    "(business|company|listing|shop|store) (description|profile|summary|overview|details|bio)",
    "(describe|tell us about|about) (your|the|our) (business|company|organi[sz]ation|shop|store|services?|listing)",
    "descri(ption|cao|zione|pcion) (de (la |l )?|da |dell |del )?(entreprise|empresa|azienda|societe|negocio|attivita)",
    "beschreibung (des|der|ihres|ihrer) (unternehmens|firma|geschafts)", "bedrijfsomschrijving", "bedrijfsbeschrijving",
    "kurzbeschreibung", "presentation de (votre |l )?(entreprise|societe)",
  ]],
  ["hours", 1, [
    "hours", "opening ?hours", "business hours", "office hours", "hours of operation", "opening times", "offnungszeiten",
    "oeffnungszeiten", "geschaftszeiten", "horaires?( d ouverture)?", "heures d ouverture", "horario( de apertura| de atencion| comercial)?",
    "horarios", "orari( di apertura)?", "orario( di apertura)?", "openingstijden", "openingsuren", "horario de funcionamento",
    "open hours", "opening", "trading hours",
  ]],
  // a row per weekday in an opening-hours grid
  ["hours", 0.8, [
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday",
    "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag", "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche",
    "lunes|martes|miercoles|jueves|viernes|sabado|domingo", "lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica",
    "maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag", "(segunda|terca|quarta|quinta|sexta) feira",
  ]],
  ["category", 1, [
    "categor(y|ies)", "rubrique\\w*", "rubriek", "kategorie\\w*", "categoria\\w*", "categorias", "categorie\\w*",
    "branche\\w*", "sector", "secteur( d activite)?", "industry", "business type", "type of business", "type (d|de) (activite|entreprise|negocio)",
    "tipo de (negocio|empresa)", "tipo di attivita", "settore", "rubro", "activite", "actividad", "attivita", "keywords?",
    "specialt(y|ies)", "tags?", "niche", "(business|company|shop|store) (category|type|genre|kind|sector|segment)", "branchen?", "genre d activite",
    "line of business", "rubrik\\w*", "segmento( de (atuacao|mercado|negocio))?", "ramo( de (atividade|atuacao|negocio|actividad))?",
    "atividade( principal)?", "giro (comercial|empresarial|del negocio|de la empresa|de negocio)",
  ]],
  ["category", 0.75, ["giro", "segment"]],
  // directory-form types (issue 20); strengths are the model's input, not a verdict
  ["keywords", 1, ["keywords?", "tags?", "schlagw\\w*", "stichw\\w*", "mots? cles?", "etiquettes?", "palabras? clave", "etiquetas?", "parole chiave", "trefwoorden", "palavras? chave"]],
  ["logo", 1, ["logo", "company logo", "business logo", "firmenlogo", "logotipo"]],
  ["photo", 1, ["photos?", "images?", "pictures?", "gallery", "fotos?", "bilder?", "galerie", "immagini", "imagenes", "afbeeldingen", "imagens"]],
  // a one-line slogan; a "short description" or excerpt is a description the engine fits to its length
  ["tagline", 1, ["tag ?line", "slogan", "motto", "werbespruch", "accroche"]],
  ["year-established", 1, ["year (established|founded)", "established( in)?", "founded( in)?", "since", "gegrundet", "grundungsjahr", "annee de creation", "ano de fundacion", "anno di fondazione", "opgericht"]],
  ["price-range", 1, ["price ?range", "price level", "preisklasse", "preisniveau", "gamme de prix", "rango de precios", "fascia di prezzo", "prijsklasse", "faixa de preco"]],
  ["payment-methods", 1, ["payment (methods?|options?|types?)", "methods? of payment", "(we )?accept(ed)? payments?", "zahlungs(arten|methoden|mittel)", "moyens? de paiement", "formas? de pago", "metodi di pagamento", "betaalmethoden", "formas? de pagamento"]],
  ["employees", 1, ["employees", "(number of|no of) (employees|staff)", "staff size", "company size", "team size", "mitarbeiter(zahl|anzahl)?", "anzahl (der )?mitarbeiter", "nombre d (employes|salaries)", "effectif", "empleados", "dipendenti", "medewerkers", "funcionarios"]],
  ["video-url", 1, ["video( ?url| link)?", "youtube (video|url|link)", "vimeo", "videolink", "lien video", "enlace (de|del) video", "link (del )?video"]],
  ["latitude", 1, ["lat(itude)?", "breitengrad", "breite", "latitud", "latitudine", "breedtegraad"]],
  // not bare "long": "Long description"
  ["longitude", 1, ["lng", "lon", "longitude", "langengrad", "laenge", "longitud", "longitudine", "lengtegraad"]],
  ["captcha", 0.5, ["code", "enter (the )?code", "type (the )?code", "verification", "verify"]],
  ["captcha", 1, [
    "captcha", "re ?captcha", "capcha", "captha", "catpcha", "captcha\\w*", "\\w*captcha",
    "(enter|type|retype|copy) the (string|word|words|text|characters|code|letters|digits)( (as|that (is|are)|you see|shown|displayed|above|below|in the (image|picture|box)))*", "h ?captcha", "turnstile", "cf turnstile", "security check", "anti ?spam", "spam (check|protection|question)",
    "are you (a )?human", "human (verification|check|test)", "verification image", "image code", "code (in|from|shown in) the image",
    "enter the (characters|code|text|letters|numbers)( (shown|you see|above|below|in the image))?", "type the (characters|text|code|letters)",
    "(what|how much) is \\d+ ?(plus|minus|times|x)? ?\\d+", "wie ?viel ist \\d+", "combien (font|fait) \\d+", "cuanto es \\d+",
    "quanto fa \\d+", "hoeveel is \\d+", "quanto e \\d+", "solve", "math question", "rechenaufgabe", "sicherheitsabfrage", "sicherheitsfrage", "spamschutz",
    "code de (verification|securite)", "recopiez le code", "codigo de (verificacion|seguridad)", "escribe los caracteres",
    "codice di (verifica|sicurezza)", "controllo antispam", "beveiligingscode", "controle code", "codigo de verificacao",
    "digite os caracteres", "verification code", "security code", "prove you are human", "captcha code", "sicherheitscode",
  ]],
  ["terms", 1, [
    "terms( and conditions| of (use|service))?", "conditions", "privacy( policy)?", "data protection", "gdpr",
    "i (have read|read|agree|accept|consent)", "agree( to)?", "accept( the)?", "consent",
    "agb", "datenschutz\\w*", "nutzungsbedingungen", "einverstanden", "akzeptiere\\w*", "zustimm\\w*", "einwillig\\w*",
    "j accepte", "accepte", "conditions generales", "cgu", "cgv", "politique de confidentialite", "acepto", "aceptar",
    "terminos( y condiciones)?", "condiciones", "politica de privacidad", "accetto", "accetta", "termini( e condizioni)?",
    "condizioni", "informativa( sulla)? privacy", "ga akkoord", "akkoord", "voorwaarden", "privacybeleid", "aceito",
    "concordo", "termos( de uso)?", "politica de privacidade", "li e aceito",
  ]],

  // ---- evidence that is none of the above (reported as unknown) --------
  ["x-card-number", 1, [
    "card ?number", "credit ?card( number)?", "debit card", "cc ?(number|num|no)", "ccnum\\w*", "card no", "card num",
    "kartennummer", "kreditkarte\\w*", "numero de (la )?carte", "carte bancaire", "numero de (la )?tarjeta", "tarjeta",
    "numero (della )?carta", "carta di credito", "kaartnummer", "numero do cartao", "cartao", "pan", "card",
  ]],
  ["x-card-exp", 1, [
    "expir\\w*", "exp( ?date)?", "expiry( date)?", "mm ?yy(yy)?", "mm ?aa", "mm ?jj", "valid (thru|through|until)",
    "ablauf\\w*", "gultig bis", "vencimiento", "caducidad", "scadenza", "validade", "vervaldatum", "date d expiration",
    "date de validite", "exp month", "exp year", "cc ?exp\\w*",
  ]],
  ["x-card-cvc", 1, ["cvv\\d?", "cvc\\d?", "csc", "cid", "card (security|verification) (code|value|number)", "security number", "kartenprufnummer", "cryptogramme"]],
  ["x-card-name", 1, [
    "name on (the )?card", "card ?holder( name)?", "cardholder( name)?", "name as (it )?appears on card", "karteninhaber\\w*",
    "titulaire( de la carte)?", "titular( de la tarjeta)?", "intestatario", "kaarthouder", "nome no cartao", "cc ?name", "card name",
    "(as (it )?)?appears on (the |your )?card", "on (the |your )?card", "printed on (the )?card",
  ]],
  ["x-birthday", 1, [
    "birth ?(day|date)", "date of birth", "dob", "born", "birth", "geburts\\w*", "naissance", "date de naissance", "nacimiento",
    "fecha de nacimiento", "nascita", "data di nascita", "geboorte\\w*", "nascimento", "data de nascimento", "age", "alter", "edad", "eta", "leeftijd", "idade",
    "день рождения", "дата рождения", "生年月日", "出生",
  ]],
  ["x-date", 0.8, [
    "day", "month", "year", "date", "jahr", "monat", "tag", "datum", "jour", "mois", "annee", "dia", "mes", "ano", "fecha",
    "giorno", "mese", "anno", "data", "dag", "maand", "jaar", "dd", "mm", "yyyy", "yy", "jj", "aaaa", "time", "arrival", "departure",
    "check ?in", "check ?out",
  ]],
  ["x-otp", 1, [
    "otp", "otp ?code", "one ?time( pass(word|code)| code)?", "2fa", "two ?factor", "totp", "mfa", "authenticat\\w* code", "auth code", "sms code",
    "verification code", "confirmation code", "token", "einmal\\w*", "bestatigungscode", "code de confirmation",
    "codigo de confirmacion", "codice otp", "(e ?mail|sms|text|phone|mobile)( verification| confirmation| security| activation)? code",
    "(e ?mail|phone|mobile)( number| address)? verification", "activation code", "aktivierungscode", "code d activation", "codigo de activacion",
  ]],
  ["x-search", 1, ["search", "suche\\w*", "recherche\\w*", "rechercher", "buscar", "busqueda", "cerca", "ricerca", "zoek\\w*", "pesquis\\w*", "find", "query", "q", "поиск", "検索", "搜索"]],
  ["x-coupon", 1, [
    "coupon( code)?", "promo( code)?", "promotion(al)? code", "voucher( code)?", "gift ?card", "discount( code)?", "redeem",
    "gutschein\\w*", "rabatt\\w*", "code promo", "bon de reduction", "cupon", "descuento", "buono( sconto)?", "codice sconto",
    "kortingscode", "cupom", "desconto", "referral code", "invite code", "invitation code",
  ]],
  ["x-salutation", 1, [
    "salutation", "title", "anrede", "civilite", "tratamiento", "titolo", "aanhef", "honorific", "prefix", "gender", "sex",
    "geschlecht", "genre", "sexe", "sexo", "genero", "sesso", "geslacht", "pronouns?",
  ]],
  ["x-quantity", 1, ["quantity", "qty", "menge", "anzahl", "quantite", "cantidad", "quantita", "aantal", "quantidade", "amount", "betrag", "montant", "importe", "importo", "bedrag", "valor", "donation", "guests?", "adults?", "children", "rooms?"]],
  ["x-message", 1, [
    "message", "your message", "comments?", "nachricht", "kommentar\\w*", "anmerkung\\w*", "bemerkung\\w*", "mitteilung",
    "commentaires?", "mensaje", "comentarios?", "messaggio", "commento", "note", "notes", "bericht", "opmerking\\w*",
    "mensagem", "observac\\w*", "enquiry", "inquiry", "question", "how can we help", "anliegen", "details",
  ]],
  ["x-subject", 1, ["subject", "betreff", "sujet", "objet", "asunto", "oggetto", "onderwerp", "assunto", "topic", "reason"]],
  ["x-job", 1, ["job( title)?", "position", "occupation", "profession", "beruf", "fonction", "poste", "cargo", "puesto", "ruolo", "functie", "profissao", "role", "department"]],
  ["x-taxid", 1, [
    "vat( number| id)?", "tax ?(id|number)", "tax ?payer( ?(id|number))?", "ust ?id\\w*", "umsatzsteuer\\w*", "steuernummer", "tva", "siret", "siren", "nif",
    "cif", "partita iva", "p iva", "codice fiscale", "btw( nummer)?", "kvk( nummer)?", "cnpj", "cpf", "ein", "abn", "ssn",
    "social security", "dni", "nie", "passport", "national id", "id number", "rut", "rfc", "curp",
  ]],
  ["x-language", 1, ["language", "sprache", "langue", "idioma", "lingua", "taal", "lingua", "currency", "wahrung", "devise", "moneda", "valuta", "time ?zone", "zeitzone", "fuseau horaire"]],
  ["x-telcode", 1, ["dial(l?ing)? code", "calling code", "phone code", "landervorwahl", "vorwahl", "indicatif( pays)?", "prefijo", "prefisso", "landcode", "area code", "ddi", "ddd", "code pays", "country calling code", "phone country"]],
  ["x-house-number", 1, ["house ?(number|no)", "hausnummer", "haus ?nr", "hnr", "numero( de rue)?", "no", "nr", "num", "huisnummer", "huis ?nr", "numero civico", "civico", "numero da casa", "street number", "building number"]],
  ["x-newsletter", 1, ["newsletter", "subscribe", "sign me up", "marketing", "promotions?", "special offers", "offers", "updates", "news", "abonn\\w*", "suscrib\\w*", "iscriviti", "inschrijven", "inscrever", "send me", "keep me (informed|updated|posted)", "receive (emails|news|offers|updates)"]],
  ["x-remember", 1, ["remember( me)?", "keep me (signed|logged) in", "stay (signed|logged) in", "angemeldet bleiben", "eingeloggt bleiben", "se souvenir( de moi)?", "rester connecte", "recordar(me)?", "mantener(me)? (la )?sesion", "ricorda(mi)?", "resta collegato", "onthoud( mij)?", "ingelogd blijven", "lembrar", "manter conectado", "trust this (device|computer)", "public computer", "private computer"]],
  ["x-file", 1, ["upload", "file", "attachment", "photo", "image", "logo", "picture", "avatar", "datei", "fichier", "archivo", "file allegato", "bestand", "arquivo"]],
  ["x-security-question", 1, ["security question", "secret question", "security answer", "answer", "mother s maiden name", "sicherheitsfrage", "question secrete", "pregunta de seguridad"]],
  ["x-nickname", 1, ["display ?name", "nick ?name", "nick", "screen ?name", "public name", "profile name", "alias", "pseudonym", "spitzname", "apodo", "soprannome", "bijnaam", "surnom"]],
  ["x-address-line3", 1, ["address( ?line)? ?3", "addr(ess)? ?(line ?)?3", "street( ?address)?( ?line)? ?3", "line 3", "adresse 3", "address three"]],
  ["x-other", 0.9, ["(item|product|file|project|event|list|group|team|host|app|campaign|board|workspace|repository|repo|store|shop|pet|child|school|university|college|bank|account holder s bank) name", "name of (the |your )?(item|product|file|project|event|pet|child|school|bank)"]],
  ["x-other", 0.8, ["referral", "how did you (hear|find)", "source", "heard about", "wie haben sie", "comment avez vous", "como nos conocio", "como conheceu"]],
];

/** Names/classes that mark a trap when the control is also invisible. */
export const HONEYPOT_WORDS =
  "(^| )(honey ?pots?|honeypot\\w*|hp|hp ?(field|input|check)|hpot|ohnohoney|bot ?(trap|field|check|catcher)|trap|nospam|no ?bots?|leave ?(this ?)?blank|leave ?empty|do ?not ?fill|dont ?fill|website ?2|url ?2|email ?2|e ?mail ?2|phone ?2|name ?2|fax ?only|spam ?(trap|check|field|bot)|ak ?hp|zip ?code ?2|gotcha|fake ?field|antispam ?field|hidden ?field)( |$)";

// English names first (one line, easy to grep); common native spellings after.
const COUNTRY_NAMES =
  "afghanistan|aland islands|albania|algeria|american samoa|andorra|angola|anguilla|antarctica|antigua and barbuda|argentina|armenia|aruba|australia|austria|azerbaijan|bahamas|bahrain|bangladesh|barbados|belarus|belgium|belize|benin|bermuda|bhutan|bolivia|bosnia and herzegovina|botswana|brazil|british virgin islands|brunei|bulgaria|burkina faso|burundi|cambodia|cameroon|canada|cape verde|cayman islands|central african republic|chad|chile|china|colombia|comoros|congo|cook islands|costa rica|cote d ivoire|croatia|cuba|curacao|cyprus|czech republic|czechia|denmark|djibouti|dominica|dominican republic|ecuador|egypt|el salvador|equatorial guinea|eritrea|estonia|eswatini|ethiopia|falkland islands|faroe islands|fiji|finland|france|french guiana|french polynesia|gabon|gambia|georgia|germany|ghana|gibraltar|greece|greenland|grenada|guadeloupe|guam|guatemala|guernsey|guinea|guinea bissau|guyana|haiti|honduras|hong kong|hungary|iceland|india|indonesia|iran|iraq|ireland|isle of man|israel|italy|jamaica|japan|jersey|jordan|kazakhstan|kenya|kiribati|kosovo|kuwait|kyrgyzstan|laos|latvia|lebanon|lesotho|liberia|libya|liechtenstein|lithuania|luxembourg|macao|macau|madagascar|malawi|malaysia|maldives|mali|malta|marshall islands|martinique|mauritania|mauritius|mayotte|mexico|micronesia|moldova|monaco|mongolia|montenegro|montserrat|morocco|mozambique|myanmar|namibia|nauru|nepal|netherlands|new caledonia|new zealand|nicaragua|niger|nigeria|north korea|north macedonia|norway|oman|pakistan|palau|palestine|panama|papua new guinea|paraguay|peru|philippines|poland|portugal|puerto rico|qatar|reunion|romania|russia|russian federation|rwanda|saint kitts and nevis|saint lucia|samoa|san marino|saudi arabia|senegal|serbia|seychelles|sierra leone|singapore|slovakia|slovenia|solomon islands|somalia|south africa|south korea|south sudan|spain|sri lanka|sudan|suriname|sweden|switzerland|syria|taiwan|tajikistan|tanzania|thailand|timor leste|togo|tonga|trinidad and tobago|tunisia|turkey|turkiye|turkmenistan|tuvalu|uganda|ukraine|united arab emirates|united kingdom|united states|united states of america|uruguay|uzbekistan|vanuatu|vatican city|venezuela|vietnam|viet nam|yemen|zambia|zimbabwe|usa|uk|great britain|korea" +
  "|deutschland|osterreich|schweiz|frankreich|spanien|italien|niederlande|belgien|vereinigte staaten|vereinigtes konigreich|danemark|schweden|norwegen|polen|tschechien|griechenland|turkei|russland|kanada|australien|brasilien|mexiko|japan|indien" +
  "|allemagne|autriche|suisse|espagne|italie|pays bas|belgique|etats unis|royaume uni|danemark|suede|norvege|pologne|grece|turquie|russie|bresil|mexique|japon|inde|chine|irlande|luxembourg" +
  "|alemania|suiza|espana|francia|paises bajos|belgica|estados unidos|reino unido|dinamarca|suecia|noruega|polonia|grecia|turquia|rusia|brasil|mexico|japon|irlanda|canada" +
  "|germania|svizzera|spagna|paesi bassi|stati uniti|regno unito|danimarca|svezia|norvegia|russia|brasile|messico|giappone|irlanda|cina" +
  "|duitsland|oostenrijk|zwitserland|frankrijk|spanje|italie|nederland|belgie|verenigde staten|verenigd koninkrijk|denemarken|zweden|noorwegen|polen|griekenland|turkije|rusland|brazilie|japan|ierland" +
  "|alemanha|austria|suica|franca|espanha|holanda|paises baixos|estados unidos|reino unido|suecia|noruega|polonia|grecia|turquia|russia|brasil|mexico|japao|irlanda|china|portugal";

const COUNTRY_CODES =
  "ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg eh er es et fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw uk";

// US states + DC + territories, Canadian provinces, Australian states,
// German Länder, Austrian/Swiss names where unambiguous, Mexican and
// Brazilian states, Indian states: the lists a state <select> carries.
const REGION_NAMES =
  "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|district of columbia|washington dc|florida|georgia|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|washington|west virginia|wisconsin|wyoming|puerto rico|guam|american samoa|us virgin islands|virgin islands|northern mariana islands|armed forces americas|armed forces europe|armed forces pacific|armed forces africa|armed forces canada|armed forces middle east|federated states of micronesia|marshall islands|palau" +
  "|alberta|british columbia|manitoba|new brunswick|newfoundland and labrador|newfoundland|nova scotia|ontario|prince edward island|quebec|saskatchewan|northwest territories|nunavut|yukon" +
  "|new south wales|victoria|queensland|western australia|south australia|tasmania|australian capital territory|northern territory" +
  "|baden wurttemberg|bayern|berlin|brandenburg|bremen|hamburg|hessen|mecklenburg vorpommern|niedersachsen|nordrhein westfalen|rheinland pfalz|saarland|sachsen|sachsen anhalt|schleswig holstein|thuringen" +
  "|aguascalientes|baja california|baja california sur|campeche|chiapas|chihuahua|coahuila|colima|durango|guanajuato|guerrero|hidalgo|jalisco|michoacan|morelos|nayarit|nuevo leon|oaxaca|puebla|queretaro|quintana roo|san luis potosi|sinaloa|sonora|tabasco|tamaulipas|tlaxcala|veracruz|yucatan|zacatecas|ciudad de mexico" +
  "|acre|alagoas|amapa|amazonas|bahia|ceara|distrito federal|espirito santo|goias|maranhao|mato grosso|mato grosso do sul|minas gerais|para|paraiba|parana|pernambuco|piaui|rio de janeiro|rio grande do norte|rio grande do sul|rondonia|roraima|santa catarina|sao paulo|sergipe|tocantins" +
  "|andhra pradesh|assam|bihar|chhattisgarh|goa|gujarat|haryana|himachal pradesh|jharkhand|karnataka|kerala|madhya pradesh|maharashtra|manipur|meghalaya|mizoram|nagaland|odisha|punjab|rajasthan|sikkim|tamil nadu|telangana|tripura|uttar pradesh|uttarakhand|west bengal|delhi";

const REGION_CODES =
  "al ak az ar ca co ct dc de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy pr gu as vi mp aa ae ap ab bc mb nb nl ns on pe qc sk nt nu yt nsw vic qld wa sa tas act nt";

export const SIGNAL_WEIGHTS: SignalWeights = {
  autocomplete: 0.95,
  type: 0.8,
  label: 0.88,
  aria: 0.85,
  placeholder: 0.8,
  title: 0.65,
  name: 0.72,
  id: 0.62,
  nearby: 0.7,
  nearbyWithLabel: 0.3,
  legend: 0.3,
  group: 0.75,
  options: 0.92,
  classes: 0.35,
};

export function defaultMapperConfig(): MapperConfig {
  return {
    lexicon: LEXICON,
    countries: COUNTRY_NAMES.split("|"),
    countryCodes: COUNTRY_CODES.split(" "),
    regions: REGION_NAMES.split("|"),
    regionCodes: REGION_CODES.split(" "),
    weights: SIGNAL_WEIGHTS,
    thresholds: { minStrength: 0.45, minConfidence: 0.3 },
    model: MODEL,
  };
}
