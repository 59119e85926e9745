package main

import "testing"

func TestDescribe_EventLines(t *testing.T) {
	cases := []struct {
		data, want string
		ready      bool
	}{
		{`{"kind":"ready","last_event_id":41}`, "complete after event 41", true},
		{`{"id":42,"kind":"document.created","data":{"title":"Kickoff notes","status":"active","project_id":null,"classification_source":"none"}}`,
			`#42    document.created     title=Kickoff notes status=active classification_source=none`, false},
		{`{"id":43,"kind":"meeting.created","data":{"title":"Design review","start":"2026-12-03T10:00:00+00:00","status":"active","bot_status":"none","project_id":null,"changed":null}}`,
			`#43    meeting.created      title=Design review start=2026-12-03T10:00:00+00:00 status=active bot_status=none`, false},
		{`{"id":44,"kind":"meeting.updated","data":{"title":"Design review","status":"active","changed":["title","time"],"bot_status":"pending"}}`,
			`#44    meeting.updated      title=Design review status=active changed=[title time] bot_status=pending`, false},
		{`{"id":45,"kind":"bot.status_changed","data":{"previous_status":"pending","status":"bot_scheduled","title":"Design review","reason":"","bot_id":"bot_1"}}`,
			`#45    bot.status_changed   pending → bot_scheduled title=Design review bot_id=bot_1`, false},
	}
	for _, c := range cases {
		got, ready := describe(c.data)
		if got != c.want || ready != c.ready {
			t.Errorf("describe(%s)\n = %q (ready %v)\nwant %q (ready %v)", c.data, got, ready, c.want, c.ready)
		}
	}
}
