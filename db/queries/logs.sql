-- name: UpsertProcessingLog :exec
INSERT INTO email_processing_logs (message_key, inbound_address, extracted_username, user_id, subject, sender,
                                   received_at, status, error_message, document_id, workflow_id)
VALUES (@message_key, @inbound_address, @extracted_username, @user_id, @subject, @sender,
        @received_at, @status, @error_message, @document_id, @workflow_id)
ON CONFLICT (message_key, extracted_username) DO UPDATE
SET inbound_address = EXCLUDED.inbound_address,
    user_id         = EXCLUDED.user_id,
    subject         = EXCLUDED.subject,
    sender          = EXCLUDED.sender,
    received_at     = EXCLUDED.received_at,
    processed_at    = now(),
    status          = EXCLUDED.status,
    error_message   = EXCLUDED.error_message,
    document_id     = EXCLUDED.document_id,
    workflow_id     = EXCLUDED.workflow_id;

-- name: ListProcessingLogs :many
SELECT * FROM email_processing_logs WHERE message_key = @message_key ORDER BY extracted_username;

-- name: DeleteStaleProcessingLogs :exec
-- Re-processing may find other recipients than before; rows for recipients
-- that no longer apply are removed so the log describes the current outcome.
DELETE FROM email_processing_logs
WHERE message_key = @message_key AND NOT (extracted_username = ANY (@keep::text[]));
