// Package attendee is BeSunny's client for Attendee (attendee.dev), the open
// source meeting-bot service that sends our notetaker into calls: the bots
// REST API, the meaning of a bot's states and events, webhook signatures and
// transcripts turned into text. It knows nothing of Temporal or HTTP servers.
//
// # Facts this package relies on
//
// Read from attendee-labs/attendee (commit 77e990e, August 2026); the paths
// are in that repository.
//
//   - Routes (attendee/urls.py, bots/bots_api_urls.py): everything under
//     /api/v1/. POST bots (create, 201 with the bot), GET bots (list: DRF
//     cursor pagination, 25 a page, {"next","previous","results"}; filters
//     meeting_url, deduplication_key, states, join_at_after/_before), GET
//     bots/{id}, PATCH bots/{id}, DELETE bots/{id}, POST bots/{id}/leave,
//     GET bots/{id}/transcript. Unknown paths answer 404 {"error":"Not found"}.
//   - Authentication (bots/authentication.py): "Authorization: Token <key>";
//     a missing or bad key is 401 {"detail": …}.
//   - Errors (bots/bots_api_views.py): 400 with {"error": "<message>"} or a
//     DRF field map {"join_at": ["join_at cannot be in the past"]}; 404
//     {"error":"Bot not found"}; POSTs are throttled per project
//     (bots/throttling.py) with DRF's 429 {"detail": …} and Retry-After.
//   - Create (bots/serializers.py CreateBotSerializer, bots/bots_api_utils.py
//     create_bot): meeting_url, bot_name, join_at (ISO 8601, not in the past,
//     at most 3 years ahead; Attendee asks for at least 2 minutes of lead
//     time, docs/scheduled_bots.md), metadata (an object of string values,
//     at least one key, ≤ 1000 characters as JSON), webhooks [{url,
//     triggers}] (at most 2, https only, triggers bot.state_change,
//     transcript.update, chat_messages.update, participant_events.join_leave,
//     participant_events.speech_start_stop, bot_logs.update, …) and
//     deduplication_key. With join_at the bot starts "scheduled", without it
//     "ready" and at once "joining".
//   - Idempotent creation: deduplication_key is unique per project among
//     bots that are not in a post-meeting state (fatal_error, ended,
//     data_deleted; bots/models.py unique_bot_deduplication_key). A second
//     create with a key in use is refused with 400 "Deduplication key already
//     in use. …"; GET bots?deduplication_key= finds the first bot. Metadata
//     is not searchable through the API, so the key is what a retried create
//     relies on.
//   - Bot resource (BotSerializer): id ("bot_" + 16 characters), metadata,
//     meeting_url, state, events [{type, sub_type?, created_at}],
//     transcription_state, recording_state, join_at, deduplication_key.
//   - Rescheduling: PATCH join_at / meeting_url only while "scheduled";
//     DELETE only while "scheduled" (the bot is removed); otherwise 400.
//     Scheduled bots are "staged" 5–10 minutes before join_at (run_scheduler
//     SCHEDULED_BOT_JITTER_*), after which only leave is possible, and leave
//     only from joining, waiting_room and the joined states.
//   - States (bots/models.py BotStates, API codes): ready, joining,
//     joined_not_recording, joined_recording, leaving, post_processing,
//     fatal_error, waiting_room, ended, data_deleted, scheduled, staged,
//     joined_recording_paused, joining_breakout_room, leaving_breakout_room,
//     joined_recording_permission_denied (and connecting, connected,
//     disconnecting for app sessions). Transitions are BotEventManager.
//     VALID_TRANSITIONS: the meeting is over and its data ready when
//     post_processing_completed moves post_processing → ended.
//   - Event types and sub-types (BotEventTypes, BotEventSubTypes): fatal
//     error and could-not-join sub-types name the cause (request to join
//     denied, waiting room timeout exceeded, meeting not found, login
//     required, out of credits, …); leave_requested sub-types say why the
//     bot left (user_requested, auto_leave_silence, …). The default waiting
//     room timeout is 900 s (bots/automatic_leave_configuration.py).
//   - Webhooks (bots/tasks/deliver_webhook_task.py, docs/webhooks.md): POST
//     {idempotency_key, bot_id, bot_metadata, trigger, data} with
//     "X-Webhook-Signature"; a delivery that does not get a 2xx within 10 s
//     is retried (3 attempts by default, exponential backoff) with the same
//     idempotency_key. bot.state_change data: event_type, event_sub_type,
//     event_metadata, old_state, new_state, created_at (Python isoformat,
//     "+00:00"). transcript.update data is one utterance.
//   - Signature (bots/webhook_utils.py sign_payload): base64 of HMAC-SHA256,
//     keyed with the raw 32 secret bytes (bots/models.py WebhookSecret; the
//     dashboard shows them base64-encoded, bots/projects_views.py), over
//     json.dumps(payload, sort_keys=True, ensure_ascii=False,
//     separators=(",", ":")) encoded as UTF-8. The body on the wire is
//     requests' json= encoding — insertion order, ", " and ": ", non-ASCII
//     escaped — so a receiver must re-serialise the parsed body, never HMAC
//     the raw bytes (see Canonicalize).
//   - Transcript (TranscriptView): a plain JSON array, not paged, of
//     utterances ordered by timestamp_ms (epoch milliseconds), each
//     {speaker_name, speaker_uuid, speaker_user_uuid, speaker_is_host,
//     timestamp_ms, duration_ms, transcription: {transcript, words?}};
//     utterances without text are left out. Transcript reads the DRF paged
//     shape too, should a later version page it.
package attendee
