package main

import (
	"context"
	"log/slog"
	"slices"
)

// FerretDB's SQL layer calls `logger.With` with every statement and its arguments (whole
// documents, as JSON) before deciding whether to log them. slog's own handlers format those
// attributes on the spot, whatever the level: on inserts that formatting took a fifth of the
// server's time, and the garbage it left most of the rest of the collector's.
//
// lazyHandler remembers what `With` and `WithGroup` were given and hands them to the real handler
// only when a record is actually written, so statements logged at no level cost nothing.
type lazyHandler struct {
	inner slog.Handler
	steps []func(slog.Handler) slog.Handler
}

func newLazyHandler(inner slog.Handler) slog.Handler {
	return &lazyHandler{inner: inner}
}

func (h *lazyHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h *lazyHandler) Handle(ctx context.Context, record slog.Record) error {
	handler := h.inner
	for _, step := range h.steps {
		handler = step(handler)
	}

	return handler.Handle(ctx, record)
}

func (h *lazyHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return h.then(func(handler slog.Handler) slog.Handler { return handler.WithAttrs(attrs) })
}

func (h *lazyHandler) WithGroup(name string) slog.Handler {
	return h.then(func(handler slog.Handler) slog.Handler { return handler.WithGroup(name) })
}

func (h *lazyHandler) then(step func(slog.Handler) slog.Handler) slog.Handler {
	return &lazyHandler{inner: h.inner, steps: append(slices.Clip(h.steps), step)}
}
