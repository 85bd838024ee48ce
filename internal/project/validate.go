package project

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/nlu"
)

var (
	// resourceName is the rule for project, model and deployment names.
	resourceName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,50}$`)
	// languageTag is a loose BCP-47 shape: "en", "en-us", "zh-hans".
	languageTag = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)
)

// labelForbidden are the characters intent and entity names may not hold.
const labelForbidden = ":$&%*()+~#/?"

// NoneIntent is the intent every project has implicitly.
const NoneIntent = "None"

// CheckName returns an error when name breaks the naming rule of projects,
// trained models and deployments; what names the thing in the message.
func CheckName(target, what, name string) *azerr.Error {
	if !resourceName.MatchString(name) {
		return azerr.Invalid(target, "The %s name %q is not valid: use 1 to 50 characters among A-Z, a-z, 0-9, '_', '.' and '-'.", what, name)
	}
	if name == "." || name == ".." {
		// Path segments that URLs resolve away: the resource would be
		// created and then be out of reach.
		return azerr.Invalid(target, "The %s name %q is not valid: a name cannot be \".\" or \"..\".", what, name)
	}
	return nil
}

// checkProjectName also reserves "global", which names the catalogue routes.
func checkProjectName(target, name string) *azerr.Error {
	if e := CheckName(target, "project", name); e != nil {
		return e
	}
	if name == "global" {
		return azerr.Invalid(target, "The project name \"global\" is reserved; choose another name.")
	}
	return nil
}

func checkLabelName(target, what, name string) *azerr.Error {
	switch {
	case strings.TrimSpace(name) == "":
		return azerr.Invalid(target, "The %s name is required.", what)
	case utf8.RuneCountInString(name) > 50:
		return azerr.Invalid(target, "The %s name %q is longer than 50 characters.", what, name)
	case strings.ContainsAny(name, labelForbidden):
		return azerr.Invalid(target, "The %s name %q holds a character that is not allowed; names may not contain any of %s.", what, name, labelForbidden)
	}
	return nil
}

func checkLanguage(target, lang string) *azerr.Error {
	if !languageTag.MatchString(lang) {
		return &azerr.Error{
			Code: azerr.InvalidArgument, Target: target,
			Message: fmt.Sprintf("The language %q is not a language code such as \"en\" or \"en-us\".", lang),
			Inner:   &azerr.InnerError{Code: azerr.InnerUnsupportedLanguageCode, Message: "unsupported language code", Target: target},
		}
	}
	return nil
}

func checkThreshold(target string, s *Settings) *azerr.Error {
	if s != nil && (s.ConfidenceThreshold < 0 || s.ConfidenceThreshold > 1) {
		return azerr.Invalid(target, "confidenceThreshold must be between 0 and 1, not %v.", s.ConfidenceThreshold)
	}
	return nil
}

var compositionSettings = []string{"returnLongestOverlap", "requireExactOverlap", "separateComponents", "combineComponents"}

// requiredComponentKinds are the spec's values; "prebuilt" is the docs'
// spelling, accepted as an alias (AUTHORING.md §0 #6).
var requiredComponentKinds = []string{"learned", "list", "prebuilts", "regex", "prebuilt"}

// extraPrebuilts are prebuilt categories the docs list that the catalogue
// example lacks (PREBUILT.md §1); imports that name them are accepted.
var extraPrebuilts = []string{"IP Address", "Geography.Location"}

// problems collects validation errors, up to a limit, with a JSON pointer
// into the file as each one's target.
type problems struct {
	max   int
	list  []*azerr.Error
	count int
}

func (p *problems) add(e *azerr.Error) {
	if e == nil {
		return
	}
	p.count++
	if len(p.list) < p.max {
		p.list = append(p.list, e)
	}
}

func (p *problems) invalid(target, format string, args ...any) {
	p.add(azerr.Invalid(target, format, args...))
}

func (p *problems) quota(target, format string, args ...any) {
	p.add(&azerr.Error{Code: azerr.QuotaExceeded, Target: target, Message: fmt.Sprintf(format, args...)})
}

// err folds the problems into one error whose details list them.
func (p *problems) err() *azerr.Error {
	if p.count == 0 {
		return nil
	}
	first := p.list[0]
	msg := "The project file is not valid: " + first.Message
	if p.count > 1 {
		msg += fmt.Sprintf(" (%d problems in all; see details)", p.count)
	}
	return &azerr.Error{Code: first.Code, Message: msg, Target: first.Target, Details: p.list,
		Inner: &azerr.InnerError{Code: azerr.InnerInvalidParameterValue, Message: first.Message, Target: first.Target}}
}

// validate checks a decoded project file for the project name in the path.
// Offsets are checked in the file's own stringIndexType.
func (l Limits) validate(f *File, name string, v APIVersion) *azerr.Error {
	p := &problems{max: max(l.ValidationErrorsShown, 1)}
	if f.ProjectFileVersion == "" {
		p.invalid("/projectFileVersion", "projectFileVersion is required, for example %q.", string(v))
	}
	if f.StringIndexType == "" {
		p.invalid("/stringIndexType", "stringIndexType is required; use \"Utf16CodeUnit\".")
	} else if !v.ValidIndexType(f.StringIndexType) {
		p.invalid("/stringIndexType", "stringIndexType %q is not supported in api-version %s; use \"Utf16CodeUnit\".", f.StringIndexType, v)
	}
	m := &f.Metadata
	switch {
	case m.ProjectName == "":
		p.invalid("/metadata/projectName", "metadata.projectName is required and must be %q, the project name in the URL.", name)
	case m.ProjectName != name:
		p.invalid("/metadata/projectName", "metadata.projectName %q differs from the project name %q in the URL; make them equal.", m.ProjectName, name)
	default:
		p.add(checkProjectName("/metadata/projectName", m.ProjectName))
	}
	if !v.ValidKind(m.ProjectKind) {
		p.invalid("/metadata/projectKind", "metadata.projectKind %q is not supported in api-version %s; use \"Conversation\" or \"Orchestration\".", m.ProjectKind, v)
	}
	if m.Language == "" {
		p.invalid("/metadata/language", "metadata.language is required, for example \"en-us\".")
	} else {
		p.add(checkLanguage("/metadata/language", m.Language))
	}
	p.add(checkThreshold("/metadata/settings/confidenceThreshold", m.Settings))
	p.add(checkMetadata("/metadata/", m.Description, m.StorageInputContainerName, m.Settings))
	if a := f.Assets; a != nil {
		if a.ProjectKind != m.ProjectKind {
			p.invalid("/assets/projectKind", "assets.projectKind %q must equal metadata.projectKind %q.", a.ProjectKind, m.ProjectKind)
		}
		if a.ProjectKind == KindSummarization {
			p.invalid("/assets/projectKind", "Importing CustomConversationSummarization assets is not supported by Parley.")
		}
		l.validateAssets(p, f, v)
	}
	return p.err()
}

func (l Limits) validateAssets(p *problems, f *File, v APIVersion) {
	a := f.Assets
	orchestration := a.ProjectKind == KindOrchestration
	if len(a.Intents) > l.Intents {
		p.quota("/assets/intents", "The project has %d intents; the limit is %d.", len(a.Intents), l.Intents)
	}
	intents := make(map[string]bool, len(a.Intents))
	for i, in := range a.Intents {
		t := fmt.Sprintf("/assets/intents/%d", i)
		if e := checkLabelName(t+"/category", "intent", in.Category); e != nil {
			p.add(e)
			continue
		}
		if intents[in.Category] {
			p.invalid(t+"/category", "The intent %q is declared twice.", in.Category)
		}
		intents[in.Category] = true
		if in.Orchestration != nil {
			if !orchestration {
				p.invalid(t+"/orchestration", "Only intents of Orchestration projects have an orchestration target.")
			} else {
				validateTarget(p, t+"/orchestration", in.Orchestration)
			}
		}
	}
	if len(a.Entities) > l.Entities {
		p.quota("/assets/entities", "The project has %d entities; the limit is %d.", len(a.Entities), l.Entities)
	}
	entities := make(map[string]bool, len(a.Entities))
	regexes := 0
	for i := range a.Entities {
		e := &a.Entities[i]
		t := fmt.Sprintf("/assets/entities/%d", i)
		if orchestration {
			p.invalid(t, "Orchestration projects have no entities.")
			break
		}
		if err := checkLabelName(t+"/category", "entity", e.Category); err != nil {
			p.add(err)
		} else if entities[e.Category] {
			p.invalid(t+"/category", "The entity %q is declared twice.", e.Category)
		}
		entities[e.Category] = true
		if e.CompositionSetting != "" && !contains(compositionSettings, e.CompositionSetting) {
			p.invalid(t+"/compositionSetting", "compositionSetting %q is not one of %s.", e.CompositionSetting, strings.Join(compositionSettings, ", "))
		}
		for j, c := range e.RequiredComponents {
			if !contains(requiredComponentKinds, c) {
				p.invalid(fmt.Sprintf("%s/requiredComponents/%d", t, j), "requiredComponents value %q is not one of learned, list, prebuilts, regex.", c)
			}
		}
		if e.ListAlias != nil {
			if !v.AcceptsEntitiesListAlias() {
				p.invalid(t+"/entities", "An entity's list component is named \"list\" in api-version %s.", v)
			} else if e.List != nil {
				p.invalid(t+"/entities", "The entity has both \"list\" and \"entities\"; keep only \"list\".")
			}
		}
		list := e.List
		if list == nil {
			list = e.ListAlias
		}
		if list != nil {
			synonyms := 0
			for _, s := range list.Sublists {
				for _, syn := range s.Synonyms {
					synonyms += len(syn.Values)
				}
			}
			if synonyms > l.SynonymsPerEntity {
				p.quota(t+"/list", "The entity's list has %d synonyms; the limit is %d.", synonyms, l.SynonymsPerEntity)
			}
		}
		if len(e.Prebuilts) > l.PrebuiltsPerEntity {
			p.quota(t+"/prebuilts", "The entity has %d prebuilt components; the limit is %d.", len(e.Prebuilts), l.PrebuiltsPerEntity)
		}
		for j, pb := range e.Prebuilts {
			if !KnownPrebuilt(pb.Category) {
				p.invalid(fmt.Sprintf("%s/prebuilts/%d/category", t, j), "%q is not a supported prebuilt entity; GET projects/global/prebuilt-entities lists them.", pb.Category)
			}
		}
		if e.Regex != nil {
			regexes += len(e.Regex.Expressions)
			for j, x := range e.Regex.Expressions {
				xt := fmt.Sprintf("%s/regex/expressions/%d/regexPattern", t, j)
				if x.RegexPattern == "" {
					p.invalid(xt, "regexPattern is required.")
				} else if err := nlu.CheckRegex(x.RegexPattern); err != nil {
					// Training would skip it with a warning; an import that
					// says so at once is worth more (issue 9).
					p.invalid(xt, "The regular expression %s is not valid: %v. regexPattern is a .NET regular expression of at most %d characters: fix the pattern (a literal ( ) [ ] { } or \\ takes a backslash before it) or remove it.",
						quoteShort(x.RegexPattern), err, nlu.MaxRegexLength)
				}
			}
		}
	}
	validatePhraseLists(p, a)
	if regexes > l.RegexesPerProject {
		p.quota("/assets/entities", "The project has %d regular expressions; the limit is %d.", regexes, l.RegexesPerProject)
	}
	if len(a.Utterances) > l.Utterances {
		p.quota("/assets/utterances", "The project has %d utterances; the limit is %d.", len(a.Utterances), l.Utterances)
		return
	}
	for i := range a.Utterances {
		u := &a.Utterances[i]
		t := fmt.Sprintf("/assets/utterances/%d", i)
		n := textLen(u.Text, f.StringIndexType)
		switch {
		case strings.TrimSpace(u.Text) == "":
			p.invalid(t+"/text", "The utterance text is empty.")
		case textLen(u.Text, Utf16CodeUnit) > l.UtteranceLength:
			p.invalid(t+"/text", "The utterance is %d characters long; the limit is %d.", textLen(u.Text, Utf16CodeUnit), l.UtteranceLength)
		}
		switch {
		case u.Intent == "":
			p.invalid(t+"/intent", "The utterance has no intent; name one of the project's intents or \"None\".")
		case u.Intent != NoneIntent && !intents[u.Intent]:
			p.invalid(t+"/intent", "The intent %q is not declared in assets.intents.", u.Intent)
		}
		if u.Language != "" {
			if e := checkLanguage(t+"/language", u.Language); e != nil {
				p.add(e)
			} else if !f.Metadata.Multilingual && !strings.EqualFold(u.Language, f.Metadata.Language) {
				p.invalid(t+"/language", "The utterance language %q differs from the project language %q, and the project is not multilingual.", u.Language, f.Metadata.Language)
			}
		}
		if u.Dataset != "" && !strings.EqualFold(u.Dataset, "Train") && !strings.EqualFold(u.Dataset, "Test") {
			p.invalid(t+"/dataset", "dataset %q is not \"Train\" or \"Test\".", u.Dataset)
		}
		if orchestration && len(u.Entities) > 0 {
			p.invalid(t+"/entities", "Utterances of Orchestration projects have no entity labels.")
			continue
		}
		var spans []span
		for j, lb := range u.Entities {
			lt := fmt.Sprintf("%s/entities/%d", t, j)
			if !entities[lb.Category] {
				p.invalid(lt+"/category", "The entity %q is not declared in assets.entities.", lb.Category)
			}
			if lb.Offset < 0 || lb.Length < 1 || lb.Offset > n || lb.Length > n-lb.Offset {
				p.invalid(lt, "The label (offset %d, length %d) lies outside the text, which is %d %s long.", lb.Offset, lb.Length, n, f.StringIndexType)
				continue
			}
			if _, _, ok := convertSpan(u.Text, lb.Offset, lb.Length, f.StringIndexType, Utf16CodeUnit); !ok {
				p.invalid(lt, "The label (offset %d, length %d) splits a character of the text.", lb.Offset, lb.Length)
				continue
			}
			spans = append(spans, span{lb.Offset, lb.Offset + lb.Length, j})
		}
		if len(spans) > 1 {
			slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
			for k := 1; k < len(spans); k++ {
				if spans[k].start < spans[k-1].end {
					p.invalid(fmt.Sprintf("%s/entities/%d", t, spans[k].index), "The label overlaps label %d of the same utterance; labels may not overlap.", spans[k-1].index)
				}
			}
		}
	}
}

type span struct{ start, end, index int }

func validateTarget(p *problems, t string, o *Orchestration) {
	switch o.TargetProjectKind {
	case "Conversation":
		c := o.ConversationOrchestration
		if c == nil || c.ProjectName == "" || c.DeploymentName == "" {
			p.invalid(t+"/conversationOrchestration", "A Conversation target needs conversationOrchestration with projectName and deploymentName.")
		}
	case "Luis":
		if o.LuisOrchestration == nil || o.LuisOrchestration.AppID == "" {
			p.invalid(t+"/luisOrchestration", "A Luis target needs luisOrchestration with appId.")
		}
	case "QuestionAnswering":
		if o.QuestionAnsweringOrchestration == nil || o.QuestionAnsweringOrchestration.ProjectName == "" {
			p.invalid(t+"/questionAnsweringOrchestration", "A QuestionAnswering target needs questionAnsweringOrchestration with projectName.")
		}
	default:
		p.invalid(t+"/targetProjectKind", "targetProjectKind %q is not one of Conversation, Luis, QuestionAnswering.", o.TargetProjectKind)
	}
}

// quoteShort quotes s for a message, cut to its first 80 characters.
func quoteShort(s string) string {
	if r := []rune(s); len(r) > 80 {
		return strconv.Quote(string(r[:80])) + "…"
	}
	return strconv.Quote(s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
