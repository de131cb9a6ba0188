import { useMemo } from "react";
import type { ClineMessage, McpCall } from "../api/types.js";
import { classifyToolDiff, type DiffLine, parseUnifiedDiff } from "../lib/diff.js";
import { formatCost, formatTokens } from "../lib/format.js";
import { buildTranscript, type TranscriptItem } from "../lib/transcript.js";
import { EmptyState } from "./ui.js";

function clock(ts: number): string {
	const date = new Date(ts);
	return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString("en-GB", { hour12: false });
}

function DiffLines({ lines }: { lines: DiffLine[] }) {
	return (
		<pre className="code diff">
			{lines.map((line, index) => (
				// Lines have no identity beyond their position in an immutable diff.
				// biome-ignore lint/suspicious/noArrayIndexKey: position is the identity here
				<span key={index} className={`diff-line diff-${line.kind}`}>
					{line.text || " "}
					{"\n"}
				</span>
			))}
		</pre>
	);
}

export function DiffView({ diff }: { diff: string | null | undefined }) {
	const parsed = useMemo(() => parseUnifiedDiff(diff), [diff]);
	if (!diff?.trim()) return <EmptyState title="No changes in the workspace" />;
	return (
		<div className="diff-view">
			<div className="diff-summary">
				<span>{parsed.files.length === 1 ? "1 file" : `${parsed.files.length} files`}</span>
				<span className="diff-add-count">+{parsed.additions}</span>
				<span className="diff-del-count">−{parsed.deletions}</span>
				<ul className="diff-files">
					{parsed.files.map((file) => (
						<li key={file.path}>
							<code>{file.path}</code> <span className="diff-add-count">+{file.additions}</span>{" "}
							<span className="diff-del-count">−{file.deletions}</span>
						</li>
					))}
				</ul>
			</div>
			<DiffLines lines={parsed.lines} />
		</div>
	);
}

function Item({ item }: { item: TranscriptItem }) {
	switch (item.kind) {
		case "task":
			// Collapsed: the same long prompt opens every task of a language.
			return (
				<details className="msg msg-task" data-kind="task">
					<summary className="msg-label">Task prompt</summary>
					<div className="msg-body prose">{item.text}</div>
				</details>
			);
		case "text":
			return (
				<div className="msg msg-text" data-kind="text">
					<div className="msg-label">Model</div>
					<div className="msg-body prose">
						{item.text}
						{item.partial && <span className="typing" aria-hidden="true" />}
					</div>
				</div>
			);
		case "reasoning":
			return (
				<details className="msg msg-reasoning" data-kind="reasoning">
					<summary className="msg-label">Reasoning{item.partial ? " …" : ""}</summary>
					<div className="msg-body prose">{item.text}</div>
				</details>
			);
		case "api":
			return (
				<div className="msg msg-api" data-kind="api">
					<span className="msg-label">Model call</span>
					<span className="muted">
						{item.tokensIn !== null ? `${formatTokens(item.tokensIn)} in` : ""}
						{item.tokensOut !== null ? ` · ${formatTokens(item.tokensOut)} out` : ""}
						{item.cost !== null ? ` · ${formatCost(item.cost)}` : ""}
					</span>
				</div>
			);
		case "tool":
			return (
				<details className="msg msg-tool" data-kind="tool" open={item.bodyIsDiff}>
					<summary>
						<span className="msg-label">Tool</span>
						<code className="tool-call-name">{item.tool}</code>
						{item.target && <code className="tool-call-target">{item.target}</code>}
					</summary>
					{item.body &&
						(item.bodyIsDiff ? (
							<DiffLines lines={classifyToolDiff(item.body)} />
						) : (
							<pre className="code">{item.body}</pre>
						))}
				</details>
			);
		case "command":
			return (
				<div className="msg msg-command" data-kind="command">
					<div className="msg-label">Command</div>
					<pre className="code terminal">
						<span className="prompt">$ </span>
						{item.command}
						{item.output && (
							<>
								{"\n"}
								<span className="terminal-output">{item.output}</span>
							</>
						)}
						{item.partial && <span className="typing" aria-hidden="true" />}
					</pre>
				</div>
			);
		case "error":
			return (
				<div className="msg msg-error" data-kind="error" role="note">
					<div className="msg-label">{item.title}</div>
					{item.text && <pre className="code">{item.text}</pre>}
				</div>
			);
		case "completion":
			return (
				<div className="msg msg-completion" data-kind="completion">
					<div className="msg-label">Completed</div>
					<div className="msg-body prose">{item.text}</div>
				</div>
			);
		case "mcp":
			return (
				<details className={item.failed ? "msg msg-mcp msg-mcp-failed" : "msg msg-mcp"} data-kind="mcp">
					<summary className="msg-label">
						{item.title}
						{item.meta && (
							<span className="msg-meta" data-testid="mcp-meta">
								{" "}
								· {item.meta}
							</span>
						)}
					</summary>
					{item.text && <pre className="code">{item.text}</pre>}
				</details>
			);
		case "question":
			return (
				<div className="msg msg-question" data-kind="question">
					<div className="msg-label">Question</div>
					<div className="msg-body prose">{item.text}</div>
					{item.options.length > 0 && (
						<ul className="options">
							{item.options.map((option) => (
								<li key={option}>{option}</li>
							))}
						</ul>
					)}
				</div>
			);
		default:
			return (
				<div className="msg msg-other" data-kind="other">
					<div className="msg-label">{item.label}</div>
					<pre className="code">{item.text}</pre>
				</div>
			);
	}
}

export function Transcript({ messages, mcpCalls }: { messages: ClineMessage[]; mcpCalls?: McpCall[] }) {
	const items = useMemo(() => buildTranscript(messages, mcpCalls), [messages, mcpCalls]);
	if (items.length === 0) return <EmptyState title="No messages yet" />;
	return (
		<ol className="transcript">
			{items.map((item, index) => (
				// A streamed message keeps its ts while it grows, and ts can repeat across kinds.
				// biome-ignore lint/suspicious/noArrayIndexKey: ts plus position is stable for an append-only log
				<li key={`${item.ts}-${index}`}>
					<time className="msg-time">{clock(item.ts)}</time>
					<Item item={item} />
				</li>
			))}
		</ol>
	);
}
