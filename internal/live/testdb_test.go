package live

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/db"
)

func dbEvent(id int64, user *uuid.UUID, kind, data string) db.Event {
	return db.Event{ID: id, UserID: user, Kind: kind, Data: json.RawMessage(data), CreatedAt: time.Unix(1700000000, 0)}
}
