// Package project is the authoring domain of Parley: projects, their content
// (intents, entities, utterances) in the CLU project-file format, the rules a
// project file must follow, and the services behind the authoring and
// runtime APIs. New builds them over one store, one per concern, each small
// enough to read in one sitting:
//
//	Projects     projects.go (list, get, create or update, delete), transfer.go (import, export)
//	Training     train.go (training jobs), models.go (trained models, evaluation, load snapshot)
//	Deployments  deploy.go (deploy, delete, swap)
//	Runtime      runtime.go (predictions, the loaded-model cache)
//
// They share a core (service.go): the stores, the clock, the limits, and
// GetJob. Every job kind they start is declared once, with its typed
// arguments, in jobs.go.
//
// A project's content is kept as one document, the assets of the project file,
// so that an import replaces it atomically and an export reads one consistent
// snapshot. Offsets inside it are always UTF-16 code units; files in another
// stringIndexType are converted on the way in and out.
package project
