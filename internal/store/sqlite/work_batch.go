package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"fanarchive"
)

// ImportWorks stores works in one transaction: all that are new, or none.
// A work whose origin is already stored is not created again: its ID is set
// to the stored work's (0 when that was deleted) and created[i] is false.
// A DuplicateOf below zero refers to works[-DuplicateOf-1], which must come
// earlier in the batch. Any other error (a work that does not validate, a
// reference to nothing) stores nothing and leaves the works as they were.
//
// The importer stores each group of works that share a file with one call,
// so that a file is imported whole or not at all.
func (s *Store) ImportWorks(ctx context.Context, works []*fanarchive.Work) (created []bool, err error) {
	cs := make([]*creation, len(works))
	dupIndex := make([]int, len(works)) // -1, or the batch index DuplicateOf refers to
	for i, w := range works {
		dupIndex[i] = -1
		if w != nil && w.DuplicateOf < 0 {
			j := int(-w.DuplicateOf - 1)
			if j >= i {
				return nil, fanarchive.Errorf(fanarchive.EINVALID, "Work %d of the batch is a duplicate of work %d, which does not come before it.", i+1, j+1)
			}
			dupIndex[i] = j
		}
		saved := w.DuplicateOf
		if dupIndex[i] >= 0 {
			w.DuplicateOf = 0 // validated without the batch reference, which is resolved below
		}
		if cs[i], err = s.newCreation(w); err != nil {
			return nil, fmt.Errorf("import works: work %d of the batch: %w", i+1, err)
		}
		w.DuplicateOf = saved
	}
	created = make([]bool, len(works))
	ids := make([]int64, len(works))
	err = s.write(ctx, func(tx *sql.Tx) error {
		var texts []pendingText // written last: see indexTexts
		for i, c := range cs {
			c.tx, c.conflict, c.existingWorkID, c.texts = tx, false, 0, &texts
			if err := c.checkConflicts(ctx); err != nil {
				if c.conflict {
					ids[i], created[i] = c.existingWorkID, false
					continue
				}
				return err
			}
			if j := dupIndex[i]; j >= 0 {
				c.w.DuplicateOf = ids[j]
			}
			if err := c.checkReferences(ctx); err != nil {
				return err
			}
			if err := c.insert(ctx); err != nil {
				return err
			}
			ids[i], created[i] = c.workID, true
		}
		return s.indexTexts(ctx, tx, texts)
	})
	if err != nil {
		for i, w := range works {
			if dupIndex[i] >= 0 {
				w.DuplicateOf = -int64(dupIndex[i] + 1)
			}
		}
		clear(created)
		return nil, fmt.Errorf("import works: %w", err)
	}
	for i, c := range cs {
		if created[i] {
			c.assign()
		} else {
			c.w.ID = ids[i]
		}
	}
	return created, nil
}
