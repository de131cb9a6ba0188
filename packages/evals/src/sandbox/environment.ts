import { isSecretEnvVariable } from "@agent-evals/types";

/*
 * What a confined command inherits from the process that starts it: an allow-list, because a
 * deny-list misses whatever credential nobody thought of (a vendor's FOO_KEYFILE, a session id).
 * Names that say where the system and the toolchains are, how text is encoded, and how tools
 * should behave; the secret check still applies on top (npm_config__authToken is a config name).
 */
const ALLOWED_NAMES = new Set([
	"PATH",
	"HOME",
	"USER",
	"LOGNAME",
	"SHELL",
	"LANG",
	"LANGUAGE",
	"TZ",
	"TERM",
	"CI",
	"NO_COLOR",
	"FORCE_COLOR",
	"CC",
	"CXX",
	"CFLAGS",
	"CXXFLAGS",
	"CPPFLAGS",
	"LDFLAGS",
	"PKG_CONFIG_PATH",
	"LD_LIBRARY_PATH",
	"VIRTUAL_ENV",
	"SSL_CERT_FILE",
	"SSL_CERT_DIR",
	"NODE_EXTRA_CA_CERTS",
	"REQUESTS_CA_BUNDLE",
	"CURL_CA_BUNDLE",
]);

const ALLOWED_PREFIXES = [
	"LC_",
	"CGO_",
	"CARGO_",
	"RUSTUP_",
	"RUST_",
	"JAVA_",
	"JDK_",
	"MAVEN_",
	"M2_",
	"GRADLE_",
	"PYENV_",
	"PYTHON",
	"PIP_",
	"NODE_",
	"NPM_CONFIG_",
	"npm_config_",
	"COREPACK_",
	"YARN_",
	"PNPM_",
	"CMAKE_",
];

// Go's own variables have no underscore (GOPATH, GOFLAGS, GOTOOLCHAIN); GOOGLE_… are not Go's.
const GO_VARIABLE = /^GO[A-Z0-9]+$/;

/** The variables of `source` a sandboxed command may see. */
export function allowedEnvironment(source: Readonly<Record<string, string | undefined>>): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(source)) {
		if (value === undefined || isSecretEnvVariable(name, value)) continue;
		if (
			ALLOWED_NAMES.has(name) ||
			GO_VARIABLE.test(name) ||
			ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix))
		) {
			env[name] = value;
		}
	}
	return env;
}
