"""Reference webhook signatures, computed the way Attendee computes them.

Run once with python3 to regenerate signature_vectors.json; the Go tests only
read the JSON. The scheme is copied in behaviour (not code) from
attendee-labs/attendee:

  bots/webhook_utils.py         sign_payload: json.dumps(payload, sort_keys=True,
                                ensure_ascii=False, separators=(",", ":")), UTF-8,
                                HMAC-SHA256 with the raw secret bytes, base64.
  bots/models.py WebhookSecret  the secret is 32 random bytes; the dashboard
                                (bots/projects_views.py) shows base64 of them.
  bots/tasks/deliver_webhook_task.py
                                the body is requests.post(json=payload): Python's
                                default json.dumps (insertion order, ", " and ": ",
                                ensure_ascii=True), so the bytes on the wire are NOT
                                the signed bytes.
"""

import base64
import hashlib
import hmac
import json

SECRET = bytes(range(1, 33))


def sign_payload(payload, secret):
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hmac.new(secret, canonical.encode("utf-8"), hashlib.sha256).digest()
    return canonical, base64.b64encode(digest).decode("utf-8")


def vector(name, payload):
    canonical, signature = sign_payload(payload, SECRET)
    return {
        "name": name,
        # What Attendee puts on the wire (requests' json= argument).
        "body": json.dumps(payload),
        "canonical": canonical,
        "signature": signature,
    }


vectors = [
    vector(
        "state_change_non_ascii_metadata",
        {
            "idempotency_key": "3f1c2a4e-9b7d-4c1e-8f00-5d2b6a7e9c10",
            "bot_id": "bot_Xy7pQ2rS9tUv3wZa",
            "bot_metadata": {"besunny_meeting_id": "8a3e0c55-2f61-4d8e-b8f2-0c6c9f1e7a42", "title": "Réunion – 東京 🎉"},
            "trigger": "bot.state_change",
            "data": {
                "event_type": "joined_meeting",
                "event_sub_type": None,
                "event_metadata": {},
                "old_state": "joining",
                "new_state": "joined_not_recording",
                "created_at": "2026-03-09T14:02:11.482913+00:00",
            },
        },
    ),
    vector(
        "transcript_update_escapes",
        {
            "idempotency_key": "b7c9e2d0-1a3f-4e5b-9c8d-7f6e5d4c3b2a",
            "bot_id": "bot_Xy7pQ2rS9tUv3wZa",
            "bot_metadata": None,
            "trigger": "transcript.update",
            "data": {
                "speaker_name": "Zoë \"Z\" O'Brien",
                "speaker_uuid": "16778240",
                "speaker_user_uuid": None,
                "speaker_is_host": True,
                "timestamp_ms": 1773064931482,
                "duration_ms": 4210,
                "transcription": {"transcript": "Line one\nline\ttwo \\ back\u2028sep <b>&amp;</b> \x01\x1f\x7f – naïve 😀"},
            },
        },
    ),
    vector(
        "numbers_and_nesting",
        {
            "idempotency_key": "00000000-0000-4000-8000-000000000000",
            "bot_id": "bot_AAAAAAAAAAAAAAAA",
            "bot_metadata": {"z": "last", "A": "upper", "a": "lower", "é": "accent", "_": "underscore"},
            "trigger": "bot.state_change",
            "data": {
                "event_type": "post_processing_completed",
                "event_sub_type": None,
                "event_metadata": {
                    "transcription_errors": [],
                    "ratio": 0.1,
                    "tiny": 1e-07,
                    "huge": 1e16,
                    "whole": 100.0,
                    "negative": -2.5,
                    "big_int": 12345678901234567890,
                    "nested": {"b": [3, {"y": False, "x": True}], "a": {}},
                },
                "old_state": "post_processing",
                "new_state": "ended",
                "created_at": "2026-03-09T15:00:00+00:00",
            },
        },
    ),
]

out = {
    "source": "attendee-labs/attendee bots/webhook_utils.py sign_payload; body as bots/tasks/deliver_webhook_task.py sends it",
    "secret_base64": base64.b64encode(SECRET).decode("ascii"),
    "vectors": vectors,
}

with open("signature_vectors.json", "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=True, indent=2)
    f.write("\n")
