// Package project is the authoring domain of Parley: projects, their content
// (intents, entities, utterances) in the CLU project-file format, the rules a
// project file must follow, and the Service behind the authoring API's
// project, import, export and catalogue operations.
//
// A project's content is kept as one document, the assets of the project file,
// so that an import replaces it atomically and an export reads one consistent
// snapshot. Offsets inside it are always UTF-16 code units; files in another
// stringIndexType are converted on the way in and out.
package project
