package bench

import (
	"context"
	"fmt"
	"time"
)

// floorCreds are what the bench sends the floor, which authenticates no
// client and checks no password: they only keep the requests the same
// size and shape as renova's.
var floorCreds = Creds{ClientID: "floor", ClientSecret: "floor", Users: []User{{Login: "floor", Password: "floor"}}}

// runFloor measures the floor (package floor, started by the Launcher)
// with the refresh scenario's exact shape (same sessions, workers, bounds
// and client) on the same kind of database, in this process, before
// renova runs, and records it as the phase "floor" that every other phase
// is divided by.
func runFloor(ctx context.Context, cfg Config, rep *Report) error {
	fs, err := cfg.Launcher.Floor(ctx)
	if err != nil {
		return err
	}
	if fs.Close != nil {
		defer fs.Close()
	}
	t := &Target{URL: fs.URL, HTTP: newHTTP(cfg.Connections), Creds: floorCreds}
	cfg.LoginLoad, cfg.BrowserLoad = 0, 0
	r := &run{cfg: cfg, t: t, s: standardSurface, rep: rep, now: time.Now}
	if err := r.refresh(ctx, "floor"); err != nil {
		return err
	}
	t.HTTP.CloseIdleConnections()
	n, err := fs.Store.Tally(ctx, floorCreds.ClientID)
	detail := fmt.Sprintf("%d sessions, %d without exactly one unused token", n.Sessions, n.Anomalies)
	if err != nil {
		detail = "query: " + err.Error()
	}
	rep.check("floor: one live token per session", err == nil && n.Anomalies == 0 && n.Sessions == cfg.Sessions, detail)
	return nil
}
