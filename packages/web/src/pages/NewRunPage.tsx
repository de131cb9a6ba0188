import { type ReactNode, useMemo, useState } from "react";
import { ApiError, api, errorMessage } from "../api/client.js";
import type { ExerciseInfo } from "../api/types.js";
import { ErrorBanner, Loading } from "../components/ui.js";
import { useApi, useDebounced, useDocumentTitle } from "../hooks.js";
import { pluralize } from "../lib/format.js";
import {
	agentChoices,
	defaultRunForm,
	type ExerciseMode,
	exerciseKey,
	type FieldErrors,
	insightsModes,
	issuesToFieldErrors,
	matchesExerciseSearch,
	observerLevels,
	parseMcpConfig,
	plannedTaskCount,
	providerChoices,
	type RunForm,
	type RunFormField,
	steeringModes,
	validateRunForm,
} from "../lib/run-form.js";
import { Link, navigate } from "../router.js";

// The mcp.json variable syntax, shown to the user as is.
// biome-ignore lint/suspicious/noTemplateCurlyInString: not a template, an mcp.json variable
const ENV_REFERENCE = "${env:NAME}";

/** A yes/no option of the run: a checkbox and the sentence that says what it does. */
function Toggle({
	checked,
	onChange,
	testId,
	children,
}: {
	checked: boolean;
	onChange: (on: boolean) => void;
	testId: string;
	children: ReactNode;
}) {
	return (
		<label className="check">
			<input
				type="checkbox"
				checked={checked}
				onChange={(event) => onChange(event.target.checked)}
				data-testid={testId}
			/>
			{children}
		</label>
	);
}

function Field({
	label,
	hint,
	error,
	name,
	children,
	className,
}: {
	label: string;
	hint?: ReactNode;
	error?: string;
	name: RunFormField;
	children: ReactNode;
	className?: string;
}) {
	return (
		<div className={`field ${error ? "field-invalid" : ""} ${className ?? ""}`}>
			<label className="field-label" htmlFor={`run-${name}`}>
				{label}
			</label>
			{children}
			{hint && !error && <p className="field-hint">{hint}</p>}
			{error && (
				<p className="field-error" role="alert" id={`run-${name}-error`} data-testid={`field-error-${name}`}>
					{error}
				</p>
			)}
		</div>
	);
}

const modes: { value: ExerciseMode; label: string; hint: string }[] = [
	{ value: "smoke", label: "Smoke", hint: "the suite's quick selection of easy exercises" },
	{ value: "all", label: "All", hint: "every exercise in the suite" },
	{ value: "languages", label: "By language", hint: "every exercise of the languages you tick" },
	{ value: "picked", label: "Pick exercises", hint: "exactly the exercises you choose" },
];

function ExercisePicker({
	exercises,
	selected,
	onChange,
}: {
	exercises: ExerciseInfo[];
	selected: string[];
	onChange: (next: string[]) => void;
}) {
	const [search, setSearch] = useState("");
	const matching = useMemo(
		() => exercises.filter((exercise) => matchesExerciseSearch(exercise, search)),
		[exercises, search],
	);
	const chosen = new Set(selected);
	const toggle = (key: string, on: boolean) =>
		onChange(on ? [...selected.filter((item) => item !== key), key] : selected.filter((item) => item !== key));
	const allMatchingChosen = matching.length > 0 && matching.every((exercise) => chosen.has(exerciseKey(exercise)));
	return (
		<div className="picker" data-testid="exercise-picker">
			<div className="picker-head">
				<input
					id="run-exercises"
					type="search"
					placeholder="Search exercises, e.g. python roman"
					value={search}
					onChange={(event) => setSearch(event.target.value)}
					data-testid="exercise-search"
				/>
				<button
					type="button"
					className="btn btn-small"
					disabled={matching.length === 0}
					onClick={() => {
						const keys = matching.map(exerciseKey);
						onChange(
							allMatchingChosen ? selected.filter((key) => !keys.includes(key)) : [...new Set([...selected, ...keys])],
						);
					}}
				>
					{allMatchingChosen ? "Unselect shown" : "Select shown"}
				</button>
			</div>
			{selected.length > 0 && (
				<div className="picked" data-testid="picked-exercises">
					{[...selected].sort().map((key) => (
						<button
							type="button"
							key={key}
							className="chip chip-removable"
							onClick={() => toggle(key, false)}
							title={`Remove ${key}`}
						>
							{key} <span aria-hidden="true">×</span>
						</button>
					))}
				</div>
			)}
			<ul className="picker-list">
				{matching.length === 0 && <li className="muted picker-empty">No exercise matches “{search}”.</li>}
				{matching.map((exercise) => {
					const key = exerciseKey(exercise);
					return (
						<li key={key}>
							<label className="check">
								<input
									type="checkbox"
									checked={chosen.has(key)}
									onChange={(event) => toggle(key, event.target.checked)}
									data-testid="exercise-option"
									value={key}
								/>
								<span className="picker-lang">{exercise.language}</span>
								<span>{exercise.exercise}</span>
								{exercise.difficulty !== undefined && exercise.difficulty !== null && (
									<span className={`tag tag-difficulty tag-${String(exercise.difficulty)}`}>
										{String(exercise.difficulty)}
									</span>
								)}
							</label>
						</li>
					);
				})}
			</ul>
		</div>
	);
}

const fieldOrder: RunFormField[] = [
	"model",
	"agent",
	"suite",
	"include",
	"exercises",
	"concurrency",
	"timeoutMinutes",
	"iterations",
	"commandTimeoutSeconds",
	"tries",
	"fallbackModel",
	"observer",
	"settings",
	"systemPrompt",
	"prompts",
	"mcp",
	"name",
	"description",
];

/** Brings the first field with an error into view and focus, so a long form does not hide it. */
function focusFirstError(errors: FieldErrors, form: RunForm): void {
	const first = fieldOrder.find((field) => errors[field]);
	if (!first) return;
	const selector =
		first === "model" && form.provider !== "oracle"
			? "#run-model-id"
			: first === "include"
				? "#run-include input"
				: `#run-${first}`;
	requestAnimationFrame(() => {
		const element = document.querySelector<HTMLElement>(selector);
		element?.scrollIntoView({ block: "center" });
		element?.focus({ preventScroll: true });
	});
}

/** The server's message sits above the form: bring it into view after the re-render. */
function revealServerError(): void {
	requestAnimationFrame(() =>
		document.querySelector('[data-testid="form-error"]')?.scrollIntoView({ block: "center" }),
	);
}

export function NewRunPage() {
	useDocumentTitle("New run");
	const [form, setForm] = useState<RunForm>(defaultRunForm);
	const [errors, setErrors] = useState<FieldErrors>({});
	const [serverError, setServerError] = useState<{ message: string; details: string[] } | null>(null);
	const [submitting, setSubmitting] = useState(false);
	const [attempted, setAttempted] = useState(false);

	const suite = useDebounced(form.suite.trim(), 500);
	const catalog = useApi(`exercises:${suite}`, () => api.exercises(suite || undefined));
	const languages = useMemo(
		() => [...new Set((catalog.data?.exercises ?? []).map((exercise) => exercise.language))].sort(),
		[catalog.data],
	);
	const countByLanguage = useMemo(() => {
		const counts = new Map<string, number>();
		for (const exercise of catalog.data?.exercises ?? []) {
			counts.set(exercise.language, (counts.get(exercise.language) ?? 0) + 1);
		}
		return counts;
	}, [catalog.data]);

	const mcpServerNames = useMemo(() => parseMcpConfig(form.mcpConfig).servers, [form.mcpConfig]);

	const set = <K extends keyof RunForm>(key: K, value: RunForm[K]) => {
		const next = { ...form, [key]: value };
		setForm(next);
		// After a failed submit, errors follow the input live so a fix is acknowledged at once.
		if (attempted) setErrors(validateRunForm(next).errors);
	};

	const planned = plannedTaskCount(form, catalog.data?.exercises ?? null);

	const submit = async () => {
		setAttempted(true);
		setServerError(null);
		const { request, errors: found } = validateRunForm(form);
		setErrors(found);
		if (!request) {
			focusFirstError(found, form);
			return;
		}
		setSubmitting(true);
		try {
			const { id } = await api.createRun(request);
			navigate(`/runs/${id}`);
		} catch (error) {
			if (error instanceof ApiError && error.issues.length > 0) {
				const { fields, other } = issuesToFieldErrors(error.issues);
				setErrors(fields);
				setServerError({ message: error.message, details: other });
				if (other.length === 0 && Object.keys(fields).length > 0) focusFirstError(fields, form);
				else revealServerError();
			} else {
				setServerError({ message: errorMessage(error), details: [] });
				revealServerError();
			}
		} finally {
			setSubmitting(false);
		}
	};

	const describedBy = (name: RunFormField) => (errors[name] ? `run-${name}-error` : undefined);

	return (
		<div className="stack narrow">
			<div className="page-head">
				<div>
					<div className="crumbs">
						<Link to="/">Runs</Link> / New run
					</div>
					<h1>New run</h1>
					<p className="page-sub">Pick a model and the exercises; the run starts as soon as it is created.</p>
				</div>
			</div>

			<form
				className="card form"
				noValidate
				data-testid="new-run-form"
				onSubmit={(event) => {
					event.preventDefault();
					void submit();
				}}
			>
				{serverError && (
					<div className="banner banner-error" role="alert" data-testid="form-error">
						<div>
							<strong>The server rejected the run:</strong> {serverError.message}
							{serverError.details.length > 0 && (
								<ul className="banner-list">
									{serverError.details.map((detail) => (
										<li key={detail}>{detail}</li>
									))}
								</ul>
							)}
						</div>
					</div>
				)}

				<fieldset className="form-section">
					<legend>Model</legend>
					<div className="grid-2">
						<Field label="Provider" name="model" error={form.provider === "oracle" ? errors.model : undefined}>
							<select
								id="run-model"
								value={form.provider}
								onChange={(event) => set("provider", event.target.value)}
								data-testid="field-provider"
								aria-describedby={describedBy("model")}
							>
								{providerChoices.map((provider) => (
									<option key={provider} value={provider}>
										{provider === "oracle" ? "oracle (reference solutions, offline)" : provider}
									</option>
								))}
							</select>
						</Field>
						<div className={errors.model && form.provider !== "oracle" ? "field field-invalid" : "field"}>
							<label className="field-label" htmlFor="run-model-id">
								Model id
							</label>
							<input
								id="run-model-id"
								value={form.provider === "oracle" ? "" : form.modelId}
								disabled={form.provider === "oracle"}
								placeholder={form.provider === "oracle" ? "not needed for oracle" : "e.g. claude-sonnet-4-5 or gpt-5"}
								onChange={(event) => set("modelId", event.target.value)}
								data-testid="field-model-id"
								aria-invalid={errors.model ? true : undefined}
								aria-describedby={errors.model && form.provider !== "oracle" ? "run-model-error" : undefined}
								autoComplete="off"
							/>
							{errors.model && form.provider !== "oracle" ? (
								<p className="field-error" role="alert" id="run-model-error" data-testid="field-error-model">
									{errors.model}
								</p>
							) : (
								<p className="field-hint">
									Sent as{" "}
									<code>
										{form.provider === "oracle" ? "oracle" : `${form.provider}:${form.modelId.trim() || "…"}`}
									</code>
								</p>
							)}
						</div>
					</div>
					<Field label="Agent" name="agent" error={errors.agent}>
						<select
							id="run-agent"
							value={form.agent}
							onChange={(event) => set("agent", event.target.value)}
							data-testid="field-agent"
						>
							{agentChoices.map((agent) => (
								<option key={agent.value} value={agent.value}>
									{agent.label}
								</option>
							))}
						</select>
					</Field>
					<Toggle checked={form.freshAgent} onChange={(on) => set("freshAgent", on)} testId="field-fresh-agent">
						A new agent process for every task (default: one warm agent per slot; third-party agents always start fresh)
					</Toggle>
				</fieldset>

				<fieldset className="form-section">
					<legend>Exercises</legend>
					<Field
						label="Suite"
						name="suite"
						error={errors.suite}
						hint={
							catalog.data
								? `${catalog.data.suite} · ${catalog.data.layout} layout · ${pluralize(catalog.data.exercises.length, "exercise")}`
								: "A suite folder on the server; empty for the bundled suite."
						}
					>
						<input
							id="run-suite"
							value={form.suite}
							placeholder="bundled suite"
							onChange={(event) => set("suite", event.target.value)}
							data-testid="field-suite"
							autoComplete="off"
						/>
					</Field>
					{catalog.error ? <ErrorBanner error={catalog.error} onRetry={() => void catalog.reload()} /> : null}

					<div className="segmented" role="radiogroup" aria-label="Which exercises">
						{modes.map((mode) => (
							<label key={mode.value} className={form.exerciseMode === mode.value ? "segment active" : "segment"}>
								<input
									type="radio"
									name="exerciseMode"
									value={mode.value}
									checked={form.exerciseMode === mode.value}
									onChange={() => set("exerciseMode", mode.value)}
									data-testid={`mode-${mode.value}`}
								/>
								{mode.label}
							</label>
						))}
					</div>
					<p className="field-hint">{modes.find((mode) => mode.value === form.exerciseMode)?.hint}</p>

					{form.exerciseMode === "languages" && (
						<Field label="Languages" name="include" error={errors.include}>
							{catalog.loading && !catalog.data ? (
								<Loading label="Loading languages…" />
							) : (
								<div className="checks" id="run-include" data-testid="language-checks">
									{languages.map((language) => (
										<label key={language} className="check check-box">
											<input
												type="checkbox"
												checked={form.languages.includes(language)}
												onChange={(event) =>
													set(
														"languages",
														event.target.checked
															? [...form.languages, language]
															: form.languages.filter((item) => item !== language),
													)
												}
												value={language}
												data-testid="language-option"
											/>
											<span>{language}</span>
											<span className="muted">{countByLanguage.get(language) ?? 0}</span>
										</label>
									))}
								</div>
							)}
						</Field>
					)}

					{form.exerciseMode === "picked" && (
						<Field label="Exercises" name="exercises" error={errors.exercises}>
							{catalog.loading && !catalog.data ? (
								<Loading label="Loading exercises…" />
							) : (
								<ExercisePicker
									exercises={catalog.data?.exercises ?? []}
									selected={form.exercises}
									onChange={(next) => set("exercises", next)}
								/>
							)}
						</Field>
					)}
				</fieldset>

				<fieldset className="form-section">
					<legend>Limits</legend>
					<div className="grid-4">
						<Field label="Concurrency" name="concurrency" error={errors.concurrency} hint="1–25 tasks at once">
							<input
								id="run-concurrency"
								type="number"
								inputMode="numeric"
								min={1}
								max={25}
								value={form.concurrency}
								onChange={(event) => set("concurrency", event.target.value)}
								data-testid="field-concurrency"
								aria-invalid={errors.concurrency ? true : undefined}
								aria-describedby={describedBy("concurrency")}
							/>
						</Field>
						<Field label="Timeout (min)" name="timeoutMinutes" error={errors.timeoutMinutes} hint="per task">
							<input
								id="run-timeoutMinutes"
								type="number"
								inputMode="decimal"
								min={1}
								step="any"
								value={form.timeoutMinutes}
								onChange={(event) => set("timeoutMinutes", event.target.value)}
								data-testid="field-timeout"
								aria-invalid={errors.timeoutMinutes ? true : undefined}
								aria-describedby={describedBy("timeoutMinutes")}
							/>
						</Field>
						<Field label="Iterations" name="iterations" error={errors.iterations} hint="runs of each exercise">
							<input
								id="run-iterations"
								type="number"
								inputMode="numeric"
								min={1}
								max={100}
								value={form.iterations}
								onChange={(event) => set("iterations", event.target.value)}
								data-testid="field-iterations"
								aria-invalid={errors.iterations ? true : undefined}
								aria-describedby={describedBy("iterations")}
							/>
						</Field>
						<Field
							label="Command timeout (s)"
							name="commandTimeoutSeconds"
							error={errors.commandTimeoutSeconds}
							hint="per test command"
						>
							<input
								id="run-commandTimeoutSeconds"
								type="number"
								inputMode="numeric"
								min={1}
								max={3600}
								value={form.commandTimeoutSeconds}
								onChange={(event) => set("commandTimeoutSeconds", event.target.value)}
								data-testid="field-command-timeout"
								aria-invalid={errors.commandTimeoutSeconds ? true : undefined}
								aria-describedby={describedBy("commandTimeoutSeconds")}
							/>
						</Field>
					</div>
				</fieldset>

				<fieldset className="form-section" data-testid="agent-options-section">
					<legend>Agent options</legend>
					<div className="grid-2">
						<Field
							label="Tries"
							name="tries"
							error={errors.tries}
							hint="1–3: failing tests are fed back for another try"
						>
							<input
								id="run-tries"
								type="number"
								inputMode="numeric"
								min={1}
								max={3}
								value={form.tries}
								onChange={(event) => set("tries", event.target.value)}
								data-testid="field-tries"
								aria-invalid={errors.tries ? true : undefined}
								aria-describedby={describedBy("tries")}
							/>
						</Field>
						<Field
							label="Fallback model"
							name="fallbackModel"
							error={errors.fallbackModel}
							hint="optional: provider:model to continue on when the model fails for good"
						>
							<input
								id="run-fallbackModel"
								value={form.fallbackModel}
								placeholder="openrouter:anthropic/claude-sonnet-4.5"
								onChange={(event) => set("fallbackModel", event.target.value)}
								data-testid="field-fallback-model"
								autoComplete="off"
								spellCheck={false}
								aria-invalid={errors.fallbackModel ? true : undefined}
								aria-describedby={describedBy("fallbackModel")}
							/>
						</Field>
					</div>
					<Field
						label="Settings"
						name="settings"
						error={errors.settings}
						hint={
							<>
								optional: a JSON object of agent settings with Roo Code&apos;s key names, e.g.{" "}
								<code>{'{"modelTemperature": 0}'}</code>; keys belong in the server&apos;s environment
							</>
						}
					>
						<textarea
							id="run-settings"
							rows={4}
							className="mono"
							value={form.settings}
							placeholder='{"modelTemperature": 0}'
							onChange={(event) => set("settings", event.target.value)}
							data-testid="field-settings"
							spellCheck={false}
							aria-invalid={errors.settings ? true : undefined}
							aria-describedby={describedBy("settings")}
						/>
					</Field>
					<Field
						label="System prompt"
						name="systemPrompt"
						error={errors.systemPrompt}
						hint="optional: instructions appended to the agent's system prompt (Roo Code: custom instructions)"
					>
						<textarea
							id="run-systemPrompt"
							rows={3}
							value={form.systemPrompt}
							onChange={(event) => set("systemPrompt", event.target.value)}
							data-testid="field-system-prompt"
							aria-describedby={describedBy("systemPrompt")}
						/>
					</Field>
					<details className="field" data-testid="task-prompts">
						<summary className="field-label">Task prompts by language (replace the suite&apos;s)</summary>
						<Field label="" name="prompts" error={errors.prompts}>
							<div className="stack" id="run-prompts">
								{(languages.length > 0 ? languages : Object.keys(form.prompts)).map((language) => (
									<label key={language} className="stack">
										<span className="muted">{language}</span>
										<textarea
											rows={3}
											value={form.prompts[language] ?? ""}
											onChange={(event) => set("prompts", { ...form.prompts, [language]: event.target.value })}
											data-testid={`field-prompt-${language}`}
										/>
									</label>
								))}
							</div>
						</Field>
					</details>
				</fieldset>

				<fieldset className="form-section" data-testid="observer-section">
					<legend>Observer</legend>
					<div className="grid-2">
						<Field
							label="Observer level"
							name="observer"
							error={errors.observer}
							hint="basic: budget, infrastructure, stuck tasks · full: every detector · autonomous: full with auto steering"
						>
							<select
								id="run-observer"
								value={form.observerLevel}
								onChange={(event) => set("observerLevel", event.target.value as RunForm["observerLevel"])}
								data-testid="field-observer-level"
								aria-describedby={describedBy("observer")}
							>
								<option value="">off</option>
								{observerLevels.map((level) => (
									<option key={level} value={level}>
										{level}
									</option>
								))}
							</select>
						</Field>
						<div className="field">
							<label className="field-label" htmlFor="run-steering">
								Steering
							</label>
							<select
								id="run-steering"
								value={form.steering}
								disabled={!form.observerLevel}
								onChange={(event) => set("steering", event.target.value as RunForm["steering"])}
								data-testid="field-steering"
							>
								<option value="">the level&apos;s default</option>
								{steeringModes.map((mode) => (
									<option key={mode} value={mode}>
										{mode}
									</option>
								))}
							</select>
							<p className="field-hint">
								suggest: you apply or dismiss each recommendation · auto: safe ones are applied
							</p>
						</div>
						<div className="field">
							<label className="field-label" htmlFor="run-insights">
								Insights
							</label>
							<select
								id="run-insights"
								value={form.insights}
								disabled={!form.observerLevel}
								onChange={(event) => set("insights", event.target.value as RunForm["insights"])}
								data-testid="field-insights"
							>
								{insightsModes.map((mode) => (
									<option key={mode} value={mode}>
										{mode}
									</option>
								))}
							</select>
							<p className="field-hint">export and realtime also write observer.json and observer.md next to the run</p>
						</div>
						<div className="field">
							<label className="field-label" htmlFor="run-budget">
								Budget (USD)
							</label>
							<input
								id="run-budget"
								type="number"
								inputMode="decimal"
								min={0}
								step="any"
								value={form.budgetUsd}
								placeholder="no cap"
								onChange={(event) => set("budgetUsd", event.target.value)}
								data-testid="field-budget"
								aria-describedby={describedBy("observer")}
							/>
							<p className="field-hint">the observer warns at 80 % of it and recommends a pause at 100 %</p>
						</div>
					</div>
				</fieldset>

				<fieldset className="form-section" data-testid="mcp-section">
					<legend>MCP servers</legend>
					<Field
						label="MCP config"
						name="mcp"
						error={errors.mcp}
						hint={
							<>
								optional: an <code>mcp.json</code> ({"{"}"mcpServers": …{"}"}); use <code>{ENV_REFERENCE}</code> for
								secrets, literal ones are never stored
							</>
						}
					>
						<textarea
							id="run-mcp"
							rows={5}
							className="mono"
							value={form.mcpConfig}
							placeholder='{"mcpServers": {"docs": {"command": "npx", "args": ["-y", "my-docs-mcp"]}}}'
							onChange={(event) => set("mcpConfig", event.target.value)}
							aria-describedby={describedBy("mcp")}
							data-testid="field-mcp-config"
							spellCheck={false}
						/>
						<input
							type="file"
							accept=".json,application/json"
							aria-label="Load an mcp.json file"
							data-testid="field-mcp-file"
							onChange={(event) => {
								const file = event.target.files?.[0];
								if (file) void file.text().then((text) => set("mcpConfig", text));
							}}
						/>
					</Field>
					{mcpServerNames.length > 0 && (
						<fieldset className="checks" data-testid="mcp-servers">
							<legend className="field-label">Servers to give the agent (none ticked: all)</legend>
							{mcpServerNames.map((name) => (
								<label key={name} className="check">
									<input
										type="checkbox"
										checked={form.mcpServers.includes(name)}
										onChange={(event) =>
											set(
												"mcpServers",
												event.target.checked
													? [...form.mcpServers, name]
													: form.mcpServers.filter((item) => item !== name),
											)
										}
										data-testid={`mcp-server-${name}`}
									/>
									{name}
								</label>
							))}
						</fieldset>
					)}
					{mcpServerNames.length > 0 && (
						<>
							<Field label="User intent" name="mcp" hint="optional: what the servers should help with">
								<input
									id="run-user-intent"
									value={form.userIntent}
									onChange={(event) => set("userIntent", event.target.value)}
									data-testid="field-user-intent"
									autoComplete="off"
								/>
							</Field>
							<Toggle checked={form.mcpAb} onChange={(on) => set("mcpAb", on)} testId="field-mcp-ab">
								Also run the same tasks without MCP servers (A/B), to compare
							</Toggle>
						</>
					)}
				</fieldset>

				<fieldset className="form-section">
					<legend>About</legend>
					<Field label="Name" name="name" error={errors.name} hint="optional">
						<input
							id="run-name"
							value={form.name}
							maxLength={200}
							onChange={(event) => set("name", event.target.value)}
							data-testid="field-name"
							autoComplete="off"
						/>
					</Field>
					<Field label="Description" name="description" error={errors.description} hint="optional: what this run tests">
						<textarea
							id="run-description"
							rows={3}
							value={form.description}
							onChange={(event) => set("description", event.target.value)}
							data-testid="field-description"
						/>
					</Field>
				</fieldset>

				<div className="form-footer">
					<span className="muted" data-testid="planned-tasks">
						{planned === null ? "" : `${pluralize(planned, "task")} will run`}
					</span>
					<Link to="/" className="btn btn-ghost">
						Cancel
					</Link>
					<button type="submit" className="btn btn-primary" disabled={submitting} data-testid="submit-run">
						{submitting ? "Starting…" : "Start run"}
					</button>
				</div>
			</form>
		</div>
	);
}
