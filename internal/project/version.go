package project

import "slices"

// APIVersion is an api-version of the CLU authoring API. Some behaviour
// depends on it (AUTHORING.md §0, §7.4).
type APIVersion string

// The api-versions Parley serves.
const (
	V20220501        APIVersion = "2022-05-01"
	V20220515Preview APIVersion = "2022-05-15-preview" // alias of 2022-05-01 (§0 #23)
	V20221001Preview APIVersion = "2022-10-01-preview" // the Python SDK 1.1.0b4's default
	V20230401        APIVersion = "2023-04-01"
	V20230415Preview APIVersion = "2023-04-15-preview"
	V20231115Preview APIVersion = "2023-11-15-preview" // 2023-04-15-preview's operations (VERSIONS.md §2)
	V20241115Preview APIVersion = "2024-11-15-preview"
	V20250515Preview APIVersion = "2025-05-15-preview"
	V20251101        APIVersion = "2025-11-01"         // the authoring GA after 2023-04-01 (VERSIONS.md §3.1)
	V20251115Preview APIVersion = "2025-11-15-preview" // the newest SDKs' default (VERSIONS.md §8)
)

// APIVersions lists the served authoring api-versions, oldest first.
var APIVersions = []APIVersion{
	V20220501, V20220515Preview, V20221001Preview, V20230401,
	V20230415Preview, V20231115Preview, V20241115Preview, V20250515Preview,
	V20251101, V20251115Preview,
}

// The runtime-only api-versions of POST /language/:analyze-conversations
// (VERSIONS.md §7): the prediction API has versions of its own besides
// the authoring ones that clients reuse for it.
const (
	R20240501        APIVersion = "2024-05-01"
	R20240515Preview APIVersion = "2024-05-15-preview"
	R20241101        APIVersion = "2024-11-01"
)

// RuntimeAPIVersions lists the api-versions the prediction API answers:
// its own, 2022-05-01 to 2025-05-15-preview and the authoring versions
// after them, which clients reuse for predictions (RUNTIME.md tolerance).
var RuntimeAPIVersions = []APIVersion{
	V20220501, V20220515Preview, V20221001Preview, V20230401,
	V20230415Preview, V20231115Preview, R20240501, R20240515Preview, R20241101,
	V20241115Preview, V20250515Preview, V20251101, V20251115Preview,
}

// KnownRuntime reports whether the prediction API answers v.
func (v APIVersion) KnownRuntime() bool { return slices.Contains(RuntimeAPIVersions, v) }

// AllowsConversationalAI reports whether the ConversationalAI task kind
// exists in runtime version v (VERSIONS.md §7).
func (v APIVersion) AllowsConversationalAI() bool { return v.atLeast(V20250515Preview) }

// Known reports whether v is served.
func (v APIVersion) Known() bool { return slices.Contains(APIVersions, v) }

// atLeast reports whether v is w or newer. Versions sort as strings.
func (v APIVersion) atLeast(w APIVersion) bool { return v >= w }

// AllowsSummarization reports whether the CustomConversationSummarization
// project kind exists in v (§0 #12).
func (v APIVersion) AllowsSummarization() bool {
	return v == V20221001Preview || v.atLeast(V20241115Preview)
}

// AllowsExtendedIndexTypes reports whether Utf8CodeUnit and Utf32CodeUnit
// are accepted besides Utf16CodeUnit (§0 #11).
func (v APIVersion) AllowsExtendedIndexTypes() bool { return v.atLeast(V20241115Preview) }

// HasDescriptions reports whether intents and entities carry description and
// associatedEntities in v's project file (§7.4).
func (v APIVersion) HasDescriptions() bool { return v.atLeast(V20241115Preview) }

// AcceptsEntitiesListAlias reports whether an entity's list component may be
// spelled "entities" (§0 #15).
func (v APIVersion) AcceptsEntitiesListAlias() bool { return v.atLeast(V20250515Preview) }

// IndexType is a stringIndexType: the unit of offsets and lengths.
type IndexType string

// String index types.
const (
	Utf16CodeUnit IndexType = "Utf16CodeUnit"
	Utf8CodeUnit  IndexType = "Utf8CodeUnit"
	Utf32CodeUnit IndexType = "Utf32CodeUnit"
)

// ValidIndexType reports whether t is accepted in api-version v.
func (v APIVersion) ValidIndexType(t IndexType) bool {
	switch t {
	case Utf16CodeUnit:
		return true
	case Utf8CodeUnit, Utf32CodeUnit:
		return v.AllowsExtendedIndexTypes()
	}
	return false
}

// ValidKind reports whether k is a project kind of api-version v.
func (v APIVersion) ValidKind(k Kind) bool {
	switch k {
	case KindConversation, KindOrchestration:
		return true
	case KindSummarization:
		return v.AllowsSummarization()
	}
	return false
}
