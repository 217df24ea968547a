package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"fanarchive"
)

// CreateWorks stores several works in one transaction, all or none, each
// exactly as CreateWork stores it (the same checks and the same inserts:
// rows, tags, the full-text row and the change log entry). It exists for
// bulk loads such as cmd/benchsearch, where one commit per work would spend
// most of the time rewriting the same pages of the write-ahead log. On error
// no work is stored and none of the works is changed; the error names the
// work that failed by its position.
func (s *Store) CreateWorks(ctx context.Context, works []*fanarchive.Work) error {
	cs := make([]*creation, len(works))
	for i, w := range works {
		c, err := s.newCreation(w)
		if err != nil {
			return fmt.Errorf("work %d: %w", i+1, err)
		}
		cs[i] = c
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var texts []pendingText // written last: see indexTexts
		known := map[tagKey]int64{}
		for i, c := range cs {
			c.tx, c.texts, c.knownTags = tx, &texts, known
			if err := c.checkConflicts(ctx); err != nil {
				return fmt.Errorf("work %d: %w", i+1, err)
			}
			if err := c.checkReferences(ctx); err != nil {
				return fmt.Errorf("work %d: %w", i+1, err)
			}
			if err := c.insert(ctx); err != nil {
				return fmt.Errorf("work %d: %w", i+1, err)
			}
		}
		return s.indexTexts(ctx, tx, texts)
	})
	if err != nil {
		return fmt.Errorf("create works: %w", err)
	}
	for _, c := range cs {
		c.assign()
	}
	return nil
}
