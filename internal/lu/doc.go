// Package lu reads and writes .lu (LUDown) files, the text format of the Bot
// Framework tools for LUIS applications, and converts them to and from the
// LUIS application JSON that LUIS import and export use (luis_schema_version
// 7.0.0, the shape `bf luis:convert` of @microsoft/bf-lu writes).
//
// Parse reads a .lu file, and the files it imports, into an *App;
// Write writes an *App as a .lu file. Both are bounded: see Limits.
//
// The grammar followed is Microsoft's ".lu file format" reference (Bot
// Framework SDK v4 docs) as bf-lu implements it; docs/compatibility.md lists
// what is supported and what is not.
package lu
