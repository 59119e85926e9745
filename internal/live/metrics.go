package live

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the hub's and the listener's Prometheus metrics. A nil
// *Metrics records nothing.
type Metrics struct {
	subscribers   prometheus.Gauge
	events        prometheus.Counter
	slow          prometheus.Counter
	reconnects    prometheus.Counter
	catchUpEvents prometheus.Counter
}

// NewMetrics registers the metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		subscribers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "besunny_live_subscribers", Help: "Open event streams (SSE and WebSocket) on this process.",
		}),
		events: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "besunny_live_events_total", Help: "Events the listener published to this process's streams.",
		}),
		slow: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "besunny_live_slow_consumers_total", Help: "Streams ended with resync because the client did not keep up.",
		}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "besunny_live_listener_reconnects_total", Help: "Times the LISTEN connection was lost and opened again.",
		}),
		catchUpEvents: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "besunny_live_catch_up_events_total", Help: "Events read after a gap (reconnect or idle check) rather than on their notification.",
		}),
	}
	reg.MustRegister(m.subscribers, m.events, m.slow, m.reconnects, m.catchUpEvents)
	return m
}

func (m *Metrics) subscribed(n int) {
	if m != nil {
		m.subscribers.Set(float64(n))
	}
}

func (m *Metrics) published() {
	if m != nil {
		m.events.Inc()
	}
}

func (m *Metrics) slowConsumer() {
	if m != nil {
		m.slow.Inc()
	}
}

func (m *Metrics) reconnected() {
	if m != nil {
		m.reconnects.Inc()
	}
}

func (m *Metrics) caughtUp(n int) {
	if m != nil {
		m.catchUpEvents.Add(float64(n))
	}
}
