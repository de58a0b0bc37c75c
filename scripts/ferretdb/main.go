// Command ferretdb runs FerretDB 1.24.2 with its SQLite backend for local development and tests.
//
// It embeds FerretDB through its public `ferretdb` package instead of building
// `github.com/FerretDB/FerretDB/cmd/ferretdb`: that command reads a version.txt generated only
// in FerretDB's own release builds and panics when installed as a module dependency. The embedded
// server is the same handler and wire listener, with telemetry disabled.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // serves /debug/pprof when --debug-addr is set
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "data", "directory holding one SQLite file per database")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	debugAddr := flag.String("debug-addr", "", "TCP address for Go's profiler (/debug/pprof), off when empty")
	flag.Parse()

	// The server allocates a great deal per document (BSON, FerretDB's own types, JSON for SQLite),
	// and with Go's default of collecting at 100% heap growth the collector took a sixth of the time
	// of a bulk insert. A few times more heap (tens of megabytes) buys most of that back.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail(err)
	}
	logger := slog.New(newLazyHandler(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		fail(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(err)
	}

	server, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  "sqlite",
		// BEGIN IMMEDIATE: FerretDB updates read then write inside one transaction, and a deferred
		// transaction that upgrades to a writer fails at once with SQLITE_BUSY under concurrent
		// writers instead of waiting for busy_timeout. synchronous(normal) is SQLite's advice for
		// WAL mode: commits stop waiting for fsync, and the database stays consistent on power loss.
		// wal_autocheckpoint(20000): the log is copied into the database every 80 MB instead of every
		// 4 MB, so a page written by many commits (an index page under random keys) is copied once,
		// not each time. temp_store(memory): the journal of a multi-row statement stays in memory.
		SQLiteURL: "file:" + dir + "/?_txlock=immediate&_pragma=synchronous(normal)&_pragma=wal_autocheckpoint(20000)&_pragma=temp_store(memory)",
	})
	if err != nil {
		fail(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	go keepIDIndexes(ctx, dir, logger)

	if *debugAddr != "" {
		go func() {
			logger.Error("profiler stopped", "err", http.ListenAndServe(*debugAddr, nil))
		}()
	}

	logger.Info("ferretdb listening", "addr", *listen, "data", dir)
	if err := server.Run(ctx); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ferretdb:", err)
	os.Exit(1)
}
