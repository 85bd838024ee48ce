// Package prebuilt recognises the prebuilt entity components of CLU
// (Quantity.Number, Email, Choice.Boolean, ...) in English text, the way
// Microsoft.Recognizers.Text, on which CLU builds them, does.
//
// A recogniser returns Results shaped as Recognizers' own test
// specifications describe them (testdata/datasets/recognizers): a type name,
// the matched text, inclusive UTF-16 Start and End, and a Resolution map.
// The conformance test replays those specifications file by file against
// the registered models and keeps a floor of passing cases per file, raised
// as coverage grows and never lowered. Mapping a Result onto the CLU wire
// shape (docs/contract/PREBUILT.md §5) is a separate step.
//
// Parley's recognisers are its own: Recognizers-Text's code and pattern
// files are not ported; only its test specifications are used, as data.
package prebuilt
