package auth_test

import (
	"context"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// BenchmarkRefresh measures the refresh hot path without HTTP: the store's
// atomic rotation plus one ES256 access token, each parallel worker
// rotating its own session's chain. Run with
//
//	go test ./internal/auth -run x -bench Refresh -cpu 2
func BenchmarkRefresh(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchRefresh(b, apptest.Options{}) })
	b.Run("postgres", func(b *testing.B) { benchRefresh(b, apptest.Options{DatabaseURL: apptest.PostgresURL(b)}) })
}

func benchRefresh(b *testing.B, opt apptest.Options) {
	env := apptest.Start(b, opt)
	svc := env.App.Svc
	ctx := context.Background()
	c, err := env.App.Store.GetClient(ctx, env.Creds.ClientID)
	if err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(8) // 16 workers on 2 cores: enough to keep the database busy
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		g, _, err := svc.Login(ctx, auth.LoginRequest{Client: c, Username: env.Creds.AdminLogin, Password: env.Creds.AdminPass})
		if err != nil {
			b.Error(err)
			return
		}
		rt := g.RefreshToken
		for pb.Next() {
			g, err := svc.Refresh(ctx, auth.RefreshRequest{Client: c, Token: rt})
			if err != nil {
				b.Error(err)
				return
			}
			rt = g.RefreshToken
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "refresh/s")
}

// BenchmarkMint measures signing one access token per algorithm.
func BenchmarkMint(b *testing.B) {
	env := apptest.Start(b, apptest.Options{})
	ctx := context.Background()
	for _, alg := range []string{"ES256", "RS256", "EdDSA"} {
		c := &store.Client{ID: "bench-" + alg, TenantID: tenant(b, env), Alg: alg, Grants: []string{"client_credentials"}}
		if _, err := env.App.Svc.NewClient(ctx, c); err != nil {
			b.Fatal(err)
		}
		b.Run(alg, func(b *testing.B) {
			for b.Loop() {
				if _, err := env.App.Svc.ClientCredentials(ctx, c, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func tenant(b *testing.B, env *apptest.Env) string {
	t, err := env.App.Store.TenantBySlug(context.Background(), "demo")
	if err != nil {
		b.Fatal(err)
	}
	return t.ID
}
