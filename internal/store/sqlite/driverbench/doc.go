// Package driverbench holds benchmarks that compare the pure-Go
// modernc.org/sqlite driver with the cgo github.com/mattn/go-sqlite3 driver on
// the archive's heaviest patterns: storing original files (50 KB blobs with a
// row each, one transaction per file, as CreateWork does) and point reads.
//
// Run from this directory, with a C compiler for mattn:
//
//	go test -tags driverbench -bench . -benchtime 1024x -count 3
//
// 1024 iterations of 50 KB insert 50 MB per driver. Results and the decision
// are in docs/benchmarks.md.
package driverbench
