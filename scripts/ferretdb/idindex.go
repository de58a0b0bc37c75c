package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite"
)

// FerretDB 1.24's SQLite backend looks a document up by `_id` (a find, an update, a delete) with
// `WHERE _ferretdb_sjson->'$._id' = ?`, but creates the `_id` index of a collection on the
// expression `_ferretdb_sjson->"_id"`. SQLite uses an expression index only for the very same
// expression, so every write by `_id` reads the whole table: a collection of N documents costs
// O(N) per update, and a campaign O(N²). MongoDB answers the same lookup from its `_id` index.
//
// keepIDIndexes adds to every collection table an index on the expression the lookups use, as
// soon as the table appears. It changes no data and no answer, only how SQLite finds the row;
// FerretDB does not list it, and dropping the collection drops it with the table.
const idIndexSuffix = "__id_lookup"

func keepIDIndexes(ctx context.Context, dir string, logger *slog.Logger) {
	checked := map[string]time.Time{}
	ticker := time.NewTicker(300 * time.Millisecond)
	defer ticker.Stop()

	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		present := make(map[string]bool, len(files))

		for _, file := range files {
			present[file] = true

			// A new table is written to the write-ahead log first: its time tells of new tables too.
			changed := latestChange(file, file+"-wal")
			if changed.IsZero() || !changed.After(checked[file]) {
				continue
			}

			if err := indexTables(ctx, file); err != nil {
				logger.Debug("id index not added yet", "file", file, "err", err)
				continue
			}

			checked[file] = changed
		}

		for file := range checked {
			if !present[file] {
				delete(checked, file)
			}
		}

		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func latestChange(paths ...string) time.Time {
	var latest time.Time

	for _, path := range paths {
		if info, err := os.Stat(path); err == nil && info.ModTime().After(latest) {
			latest = info.ModTime()
		}
	}

	return latest
}

// indexTables opens an existing database only (mode=rw never creates a file that a drop has
// just removed) and indexes the collection tables that lack the lookup index.
func indexTables(ctx context.Context, file string) error {
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_txlock=immediate&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()

	rows, err := db.QueryContext(ctx, `
		SELECT t.name FROM sqlite_master t
		WHERE t.type = 'table'
		  AND t.name NOT LIKE '\_ferretdb\_%' ESCAPE '\'
		  AND t.name NOT LIKE 'sqlite\_%' ESCAPE '\'
		  AND NOT EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.name = t.name || ?)`,
		idIndexSuffix,
	)
	if err != nil {
		return err
	}

	var tables []string

	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}

		tables = append(tables, name)
	}

	rows.Close()

	if err := rows.Err(); err != nil {
		return err
	}

	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+idIndexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}

	return nil
}
