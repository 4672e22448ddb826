package postgres

import (
	"context"
	"testing"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/storetest"
)

// breakCommitSQL installs, in the test's own schema, a deferred constraint
// trigger on refresh_tokens that raises at COMMIT while break_commit.on
// is true: a real commit failure, after the batch's statement has run and
// sent its rows, which is what scanRotated must not trust.
const breakCommitSQL = `
CREATE TABLE break_commit(broken boolean NOT NULL);
INSERT INTO break_commit VALUES (false);
CREATE FUNCTION break_commit_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT broken FROM break_commit) THEN
		RAISE EXCEPTION 'injected commit failure';
	END IF;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER break_commit AFTER INSERT ON refresh_tokens
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION break_commit_check();`

// TestGroupCommit runs the group-commit cases (issue 16) on PostgreSQL.
func TestGroupCommit(t *testing.T) {
	testURL(t)
	storetest.RunBatch(t, func(t *testing.T) (store.Store, storetest.BatchHooks) {
		db, _ := openFresh(t, Options{})
		ctx := context.Background()
		if _, err := db.pool.Exec(ctx, breakCommitSQL); err != nil {
			t.Fatal(err)
		}
		return db, storetest.BatchHooks{
			Hold: db.rot.HoldNext,
			BreakCommit: func(broken bool) {
				if _, err := db.pool.Exec(ctx, "UPDATE break_commit SET broken = $1", broken); err != nil {
					t.Fatal(err)
				}
			},
			Stats: db.rot.Stats,
		}
	})
}
