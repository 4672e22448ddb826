package server

import (
	"context"
	"time"
)

// rotateCheckEvery is how often a replica looks for a key due for
// rotation: one ListKeys a minute, and a rotation at most a minute late.
const rotateCheckEvery = time.Minute

// rotateKeys rotates the signing keys every --key-rotation (0: never, the
// operator runs `renova keys rotate`). Every replica runs it; the store
// promotes each next key once.
func (a *App) rotateKeys(ctx context.Context) {
	if a.Cfg.KeyRotation <= 0 {
		return
	}
	t := time.NewTicker(rotateCheckEvery)
	defer t.Stop()
	a.Ring.AutoRotate(ctx, a.Cfg.KeyRotation, t.C, func(rotated []string, err error) {
		if err != nil {
			a.Logger.Warn("automatic key rotation", "err", err)
		}
		for _, alg := range rotated {
			cur, _ := a.Ring.Current(alg)
			a.Logger.Info("signing key rotated", "alg", alg, "kid", cur.Kid, "every", a.Cfg.KeyRotation)
		}
	})
}
