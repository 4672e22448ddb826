// openid-client's own discovery of a renova issuer (issue 12, acceptance 3).
// Usage: node discover.mjs ISSUER CLIENT_ID REDIRECT_URI
// It discovers the issuer, builds a PKCE authorization URL and prints one
// JSON line; it exits non-zero with the library's error when discovery or
// the URL fails.
import * as client from 'openid-client';

const [issuer, clientId, redirectUri] = process.argv.slice(2);
try {
	// renova's test server is plain HTTP on loopback.
	const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), {
		execute: [client.allowInsecureRequests],
		timeout: 10,
	});
	const md = config.serverMetadata();
	const verifier = client.randomPKCECodeVerifier();
	const url = client.buildAuthorizationUrl(config, {
		redirect_uri: redirectUri,
		scope: 'openid profile',
		code_challenge: await client.calculatePKCECodeChallenge(verifier),
		code_challenge_method: 'S256',
		nonce: client.randomNonce(),
		state: client.randomState(),
	});
	const endSession = md.end_session_endpoint
		? client.buildEndSessionUrl(config, { post_logout_redirect_uri: redirectUri }).href
		: '';
	console.log(JSON.stringify({
		issuer: md.issuer,
		supportsPKCE: md.supportsPKCE(),
		authorizationURL: url.href,
		endSessionURL: endSession,
		userinfo: md.userinfo_endpoint ?? '',
	}));
} catch (e) {
	console.error(`openid-client: ${e.name}: ${e.message}${e.code ? ' (' + e.code + ')' : ''}`);
	process.exit(1);
}
