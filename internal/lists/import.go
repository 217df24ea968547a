package lists

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"fanarchive"
	"fanarchive/internal/ingest"
)

// ImportReport says what an import of an old list's mail did.
type ImportReport struct {
	Messages int // messages found
	Stored   int // new in the archive
	Known    int // there already (imported before)
	Works    int // posts filed as works' chapters
}

// Import fills a list's message archive from an old list's mail (an mbox,
// or a digest): every message is kept as posted, threaded and searchable,
// and those that are stories are filed as works — but nothing is mailed to
// members. A message is known by its bytes, so importing the same file
// again adds nothing.
func (e *Engine) Import(ctx context.Context, l *fanarchive.List, raw []byte) (ImportReport, error) {
	var rep ImportReport
	posts, ok, err := ingest.SplitPosts(raw)
	if err != nil {
		return rep, err
	}
	if !ok {
		return rep, fanarchive.Errorf(fanarchive.EUNREADABLE, "This is not a mailbox or a file of mail.")
	}
	for _, p := range posts {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if len(p.Header) == 0 {
			continue // text before the first message
		}
		rep.Messages++
		msg := raw[p.Start:p.End]
		sum := sha256.Sum256(msg)
		at := p.Date
		if at.IsZero() {
			at = e.now()
		}
		in := read(inboundEnvelope(l, at), msg, "import:"+hex.EncodeToString(sum[:16]))
		m := e.message(ctx, l, in)
		m.ReceivedAt = at.UTC().Truncate(time.Second)
		m.State = fanarchive.ListMessagePosted
		err := e.Store.ReceiveListMessage(ctx, m, nil, nil)
		switch fanarchive.ErrorCode(err) {
		case "":
			rep.Stored++
		case fanarchive.ECONFLICT:
			rep.Known++
			if m, err = e.Store.FindListMessage(ctx, m.ID); err != nil {
				return rep, err
			}
		default:
			return rep, err
		}
		if m.WorkID == 0 {
			if err := e.file(ctx, l, m, msg); err != nil {
				return rep, err
			}
		}
		if m.WorkID != 0 {
			rep.Works++
		}
	}
	return rep, nil
}
