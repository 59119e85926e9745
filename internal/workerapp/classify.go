package workerapp

import (
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/workflows"
)

// examplesPerProject bounds what the local classifier learns per project:
// every one of them goes into the project's centroid (the most recent 60
// also into its vocabulary), and the profile is built once per revision.
const examplesPerProject = 200

// classifiers builds the activity adapters of classification and onboarding.
// The local classifier is one per process: its profile cache is shared by
// every classification this worker runs.
func classifiers(d Deps) (*activities.Classify, *activities.Onboarding) {
	cfg := d.Config.Classify
	ca := &activities.Classify{
		Store: d.Store,
		Local: classify.NewLocal(activities.StoreExamples{Store: d.Store, Max: examplesPerProject}).
			WithCollection(activities.StoreCollection{Store: d.Store}, classify.CollectionOptions{MaxDocuments: cfg.CollectionMaxDocuments, Logger: d.Logger}),
		Mode:   cfg.Mode,
		Policy: classify.HybridPolicy{Sure: cfg.Sure, MinMargin: cfg.MinMargin},
		Backlog: activities.BacklogSettings{
			Debounce: cfg.BacklogDebounce, MinConfidence: cfg.BacklogMinConfidence, PageSize: activities.DefaultBacklogPageSize,
		},
		// A transcript needs MEETING_REVIEW_CONFIDENCE to be filed.
		TranscriptReview: d.Config.Attendee.ReviewConfidence,
	}
	ob := &activities.Onboarding{Store: d.Store, Local: classify.NewLocalOnboarder()}
	if cfg.Mode != config.ClassifierLocal {
		key := cfg.OpenAIAPIKey
		if key == "" {
			key = "sandbox" // the fake OpenAI accepts any key
		}
		// The model sees a few of each project's manual assignments; the
		// store's ordering puts them first.
		llm := classify.NewOpenAI(classify.OpenAIConfig{APIKey: key, BaseURL: cfg.OpenAIBaseURL, Model: cfg.OpenAIModel,
			Examples: activities.StoreExamples{Store: d.Store, Max: classify.DefaultLLMExamples}})
		ca.LLM, ob.LLM = llm, llm
	}
	return ca, ob
}

// llmWorker serves the llm task queue. TaskQueueActivitiesPerSecond is
// enforced by the Temporal server, so LLM_REQUESTS_PER_SECOND holds for the
// whole cluster however many workers run.
func llmWorker(d Deps, ca *activities.Classify, ob *activities.Onboarding) worker.Worker {
	w := worker.New(d.Temporal, workflows.LLMTaskQueue, worker.Options{
		TaskQueueActivitiesPerSecond: d.Config.Classify.LLMRequestsPerSecond,
		WorkerStopTimeout:            30 * time.Second,
	})
	w.RegisterActivity(ca)
	w.RegisterActivity(ob)
	return w
}

func usesLLM(cfg config.Config) bool { return cfg.Classify.Mode != config.ClassifierLocal }
