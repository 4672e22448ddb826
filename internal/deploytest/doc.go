// Package deploytest holds the deployment test (issue 14, acceptance 5):
// what `docker build` of deploy/Dockerfile would check, without a
// container engine, and `systemd-analyze verify` of deploy/renova.service.
// It has no code of its own.
package deploytest
