package standard

import (
	"strconv"
	"strings"
)

// messages are the words of the hosted pages in one language.
type messages struct {
	SignIn        string // the login page's title
	SignInTo      string // heading, followed by the tenant's name
	ContinueTo    string // followed by the client's name
	Username      string
	Password      string
	Submit        string
	BadLogin      string // the one answer to every failed sign-in
	Throttled     string // %s: seconds to wait
	ErrorTitle    string
	ErrorText     string // an authorization request that cannot go on
	CSRF          string // a login form that is stale or not from this browser
	Internal      string // %s: trace id
	LoggedOut     string
	LoggedOutText string
}

// catalog holds every string the pages show, by language tag. The tags
// are what discovery lists as ui_locales_supported.
var catalog = map[string]messages{
	"en": {
		SignIn: "Sign in", SignInTo: "Sign in to", ContinueTo: "to continue to",
		Username: "Username", Password: "Password", Submit: "Sign in",
		BadLogin:   "Invalid username or password.",
		Throttled:  "Invalid username or password. Too many attempts: try again in %s seconds.",
		ErrorTitle: "Sign-in error", ErrorText: "This sign-in request cannot be completed. Go back to the application and try again.",
		CSRF:      "This sign-in form has expired or did not come from this browser. Go back to the application and try again.",
		Internal:  "Something went wrong on our side. Trace id: %s",
		LoggedOut: "Signed out", LoggedOutText: "You have been signed out. You can close this window.",
	},
	"pt-BR": {
		SignIn: "Entrar", SignInTo: "Entrar em", ContinueTo: "para continuar em",
		Username: "Usuário", Password: "Senha", Submit: "Entrar",
		BadLogin:   "Usuário ou senha inválidos.",
		Throttled:  "Usuário ou senha inválidos. Muitas tentativas: tente novamente em %s segundos.",
		ErrorTitle: "Erro ao entrar", ErrorText: "Esta solicitação de acesso não pode ser concluída. Volte ao aplicativo e tente novamente.",
		CSRF:      "Este formulário de acesso expirou ou não veio deste navegador. Volte ao aplicativo e tente novamente.",
		Internal:  "Ocorreu um erro do nosso lado. Código de rastreamento: %s",
		LoggedOut: "Sessão encerrada", LoggedOutText: "Você saiu da sua conta. Pode fechar esta janela.",
	},
}

// locales are the supported tags, default first (discovery's
// ui_locales_supported).
var locales = []string{"en", "pt-BR"}

// locale picks the page language: the first supported tag of ui_locales
// (OIDC Core §3.1.2.1, space-separated, in order of preference), else the
// best of Accept-Language (RFC 9110 §12.5.4), else English.
func locale(uiLocales, acceptLanguage string) string {
	for _, tag := range strings.Fields(uiLocales) {
		if l := match(tag); l != "" {
			return l
		}
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, q := weighted(part)
		if l := match(tag); l != "" && q > bestQ {
			best, bestQ = l, q
		}
	}
	if best == "" {
		return locales[0]
	}
	return best
}

// match maps a language tag onto a supported one: any Portuguese is
// Brazilian Portuguese here, any English is English.
func match(tag string) string {
	lang, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	switch lang {
	case "pt":
		return "pt-BR"
	case "en":
		return "en"
	}
	return ""
}

// weighted splits one Accept-Language member into its tag and q-value
// (1 when absent, 0 when malformed).
func weighted(part string) (string, float64) {
	tag, params, _ := strings.Cut(part, ";")
	q := 1.0
	if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			f = 0
		}
		q = f
	}
	return strings.TrimSpace(tag), q
}
