-- +goose Up

-- Google Drive files linked from a document (an email's body or HTML hrefs),
-- found by internal/mail. The Drive monitoring pipeline picks them up to watch
-- the files; the document keeps them so a re-processed message can be
-- compared with what was found before.
CREATE TABLE document_links (
    document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    file_id     text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('file', 'document', 'spreadsheet', 'presentation', 'folder')),
    url         text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, file_id)
);
CREATE INDEX document_links_file_idx ON document_links (file_id);

-- +goose Down
DROP TABLE document_links;
