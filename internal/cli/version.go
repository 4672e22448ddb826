package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// BuildVersion is what `renova version` prints: the module version and VCS
// revision the Go toolchain stamped into the binary.
type BuildVersion struct {
	Version  string `json:"version"`  // module version, "(devel)" outside a tagged module build
	Revision string `json:"revision"` // VCS commit, "unknown" when not built from a checkout
	Modified bool   `json:"modified"` // the checkout had uncommitted changes
	Go       string `json:"go"`       // toolchain version
}

// readVersion reads the build info. Version, when set with -ldflags,
// overrides the module version (a release pipeline that stamps its own).
func readVersion() BuildVersion {
	v := BuildVersion{Version: "(devel)", Revision: "unknown", Go: "unknown"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v.Go = bi.GoVersion
		if bi.Main.Version != "" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if Version != "dev" {
		v.Version = Version
	}
	return v
}

// String is the one line `renova version` prints:
// "renova v1.2.3 (revision 0123abcd..., modified) go1.26.0".
func (v BuildVersion) String() string {
	rev := v.Revision
	if v.Modified {
		rev += ", modified"
	}
	return fmt.Sprintf("renova %s (revision %s) %s", v.Version, rev, v.Go)
}

// versionCmd prints the version from the build info, or JSON with --json.
func versionCmd() *cobra.Command {
	return &cobra.Command{Use: "version", Short: "print the version and VCS revision", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := readVersion()
			if jsonOut(cmd) {
				return print(cmd, v, nil, nil)
			}
			_, err := fmt.Fprintln(cmd.OutOrStdout(), v)
			return err
		}}
}
