//go:build driverbench

package driverbench

import (
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	_ "github.com/mattn/go-sqlite3" // "sqlite3", cgo
	_ "modernc.org/sqlite"          // "sqlite", pure Go
)

const blobSize = 50 << 10

// drivers lists each driver with a DSN for a file that gives every
// connection the settings the archive uses: busy_timeout before WAL,
// foreign keys, synchronous=NORMAL, immediate write transactions.
var drivers = []struct {
	name, driver string
	dsn          func(path string) string
}{
	{"modernc", "sqlite", func(p string) string {
		return "file:" + p + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	}},
	{"mattn", "sqlite3", func(p string) string {
		return "file:" + p + "?_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=1" +
			"&_synchronous=NORMAL&_txlock=immediate"
	}},
}

const schema = `
CREATE TABLE IF NOT EXISTS works (id INTEGER PRIMARY KEY, title TEXT NOT NULL, words INTEGER NOT NULL,
	updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (id INTEGER PRIMARY KEY, work_id INTEGER REFERENCES works (id),
	sha256 TEXT NOT NULL UNIQUE, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS source_blobs (source_id INTEGER PRIMARY KEY REFERENCES sources (id), raw BLOB NOT NULL);`

func open(b *testing.B, driver, dsn string) *sql.DB {
	b.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		b.Fatal(err)
	}
	return db
}

// blob returns 50 KB of incompressible bytes, distinct for each i.
func blob(i int) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	raw := make([]byte, blobSize)
	for j := 0; j < len(raw); j += 8 {
		binary.LittleEndian.PutUint64(raw[j:], r.Uint64())
	}
	return raw
}

// insert stores one work, one source row and its blob in one transaction.
func insert(db *sql.DB, i int, raw []byte) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.Exec(`INSERT INTO works (title, words, updated) VALUES (?, ?, ?)`,
		fmt.Sprintf("Story %d", i), 9000, "2024-01-01T00:00:00.000000000Z")
	if err != nil {
		return err
	}
	workID, _ := res.LastInsertId()
	sum := sha256.Sum256(raw)
	res, err = tx.Exec(`INSERT INTO sources (work_id, sha256, size) VALUES (?, ?, ?)`,
		workID, hex.EncodeToString(sum[:]), len(raw))
	if err != nil {
		return err
	}
	sourceID, _ := res.LastInsertId()
	if _, err := tx.Exec(`INSERT INTO source_blobs (source_id, raw) VALUES (?, ?)`, sourceID, raw); err != nil {
		return err
	}
	return tx.Commit()
}

// BenchmarkInsert stores one 50 KB file with its rows per iteration, each in
// its own transaction.
func BenchmarkInsert(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			db := open(b, d.driver, d.dsn(filepath.Join(b.TempDir(), "bench.db")))
			defer db.Close()
			blobs := make([][]byte, 64)
			for i := range blobs {
				blobs[i] = blob(i)
			}
			b.SetBytes(blobSize)
			b.ResetTimer()
			for i := range b.N {
				raw := blobs[i%len(blobs)]
				binary.LittleEndian.PutUint64(raw, uint64(i)) // distinct bytes, distinct sum
				if err := insert(db, i, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkInsertBatch stores 64 files per transaction, as a bulk import
// could.
func BenchmarkInsertBatch(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			db := open(b, d.driver, d.dsn(filepath.Join(b.TempDir(), "bench.db")))
			defer db.Close()
			raw := blob(1)
			b.SetBytes(blobSize)
			b.ResetTimer()
			var tx *sql.Tx
			for i := range b.N {
				if i%64 == 0 {
					if tx != nil {
						if err := tx.Commit(); err != nil {
							b.Fatal(err)
						}
					}
					var err error
					if tx, err = db.Begin(); err != nil {
						b.Fatal(err)
					}
				}
				binary.LittleEndian.PutUint64(raw, uint64(i))
				sum := sha256.Sum256(raw)
				res, err := tx.Exec(`INSERT INTO sources (sha256, size) VALUES (?, ?)`, hex.EncodeToString(sum[:]), len(raw))
				if err != nil {
					b.Fatal(err)
				}
				id, _ := res.LastInsertId()
				if _, err := tx.Exec(`INSERT INTO source_blobs (source_id, raw) VALUES (?, ?)`, id, raw); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// populated returns a database holding 1024 works with a 50 KB source each.
func populated(b *testing.B, driver, dsn string) *sql.DB {
	b.Helper()
	db := open(b, driver, dsn)
	raw := blob(1)
	for i := range 1024 {
		binary.LittleEndian.PutUint64(raw, uint64(i))
		if err := insert(db, i, raw); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// BenchmarkPointRead reads one work's row by primary key, as a page does.
func BenchmarkPointRead(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			db := populated(b, d.driver, d.dsn(filepath.Join(b.TempDir(), "bench.db")))
			defer db.Close()
			r := rand.New(rand.NewPCG(3, 4))
			b.ResetTimer()
			for range b.N {
				var title string
				var words int
				if err := db.QueryRow(`SELECT title, words FROM works WHERE id = ?`, 1+r.IntN(1024)).Scan(&title, &words); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBlobRead reads one original file whole, as a source download
// does.
func BenchmarkBlobRead(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			db := populated(b, d.driver, d.dsn(filepath.Join(b.TempDir(), "bench.db")))
			defer db.Close()
			r := rand.New(rand.NewPCG(5, 6))
			b.SetBytes(blobSize)
			b.ResetTimer()
			for range b.N {
				var raw []byte
				if err := db.QueryRow(`SELECT raw FROM source_blobs WHERE source_id = ?`, 1+r.IntN(1024)).Scan(&raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
