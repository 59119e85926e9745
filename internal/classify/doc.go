// Package classify decides which of a user's projects a document (an email,
// a meeting transcript, a Drive file) belongs to, or that it belongs to none.
//
// It is a pure domain package: no Temporal, no HTTP server, no database. The
// workflow's activities call it:
//
//   - Local is the default classifier: offline, deterministic and fast. It
//     scores the document against a per-project profile (BM25-style term
//     weights plus exact features such as sender domains, contacts, project
//     codes and the project name as a phrase), learns from the documents
//     assigned to each project (a centroid of their words and layout,
//     compared with the background of all the user's projects) and turns
//     the scores into a calibrated confidence. With the owner's collection
//     (WithCollection) the user's corrections spread over a graph of all
//     their documents — words, layout, style, sender and conversation —
//     to the documents around them (collection.go); in a collection of
//     fewer than 50 documents the graph only ranks the candidates and the
//     scorer's confidence still decides.
//   - OpenAI asks a chat model with a strict JSON schema. Its failures are
//     typed (*LLMError) so that the caller can decide about retries.
//   - HybridPolicy.NeedsLLM tells the workflow when the local decision is
//     not sure enough and the LLM should be asked; Hybrid runs both in one
//     call for evaluation and simple callers.
//   - Onboarder derives classification hints (tags, keywords, entities) from
//     a project summary, locally or with the LLM.
package classify
