import {
	Chart,
	type ChartConfiguration,
	LinearScale,
	LineController,
	LineElement,
	type Plugin,
	PointElement,
	ScatterController,
	Tooltip,
} from "chart.js";
import { useEffect, useRef } from "react";
import { formatCost, formatPercent } from "../lib/format.js";
import { readCssVars, useResolvedTheme } from "../theme.js";

// Only what a scatter with a frontier line needs, so the bundle carries no unused chart types.
Chart.register(ScatterController, LineController, LinearScale, PointElement, LineElement, Tooltip);

export interface ChartPoint {
	id: number;
	label: string;
	cost: number;
	/** 0..1 */
	score: number;
	/** The 95 % interval of `score` (0..1), drawn as a bar; null when unknown. */
	interval: { low: number; high: number } | null;
	frontier: boolean;
}

interface Point {
	x: number;
	y: number;
	id: number;
	label: string;
	/** Percent. */
	low: number | null;
	high: number | null;
}

const cssVars = ["--text", "--text-muted", "--border", "--accent", "--good", "--surface", "--chart-point"] as const;

interface Box {
	left: number;
	top: number;
	right: number;
	bottom: number;
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/**
 * Names each point beside it: a scatter of runs is unreadable without them. Labels are placed
 * greedily (best scores first) at the first free spot around their point; one that fits nowhere
 * is left to the tooltip rather than drawn over another.
 */
const pointLabels: Plugin<"scatter"> = {
	id: "pointLabels",
	afterDatasetsDraw(chart) {
		const { ctx, chartArea } = chart;
		const meta = chart.getDatasetMeta(0);
		const data = chart.data.datasets[0]?.data as unknown as Point[] | undefined;
		if (!data) return;
		const color = (chart.options.plugins as { pointLabels?: { color?: string } }).pointLabels?.color ?? "#666";
		const height = 14;
		const gap = 7;
		ctx.save();
		ctx.font = "12px system-ui, -apple-system, Segoe UI, sans-serif";
		ctx.fillStyle = color;
		ctx.textBaseline = "middle";
		// Points themselves are obstacles too, so no label covers another run's dot.
		const taken: Box[] = meta.data.map((element) => ({
			left: element.x - 5,
			top: element.y - 5,
			right: element.x + 5,
			bottom: element.y + 5,
		}));
		const order = meta.data.map((_, index) => index).sort((a, b) => (data[b]?.y ?? 0) - (data[a]?.y ?? 0));
		for (const index of order) {
			const point = data[index];
			const element = meta.data[index];
			if (!point || !element) continue;
			const width = ctx.measureText(point.label).width;
			const { x, y } = element;
			const candidates: Box[] = [
				{ left: x + gap, top: y - gap - height, right: x + gap + width, bottom: y - gap },
				{ left: x + gap, top: y + gap, right: x + gap + width, bottom: y + gap + height },
				{ left: x - gap - width, top: y - gap - height, right: x - gap, bottom: y - gap },
				{ left: x - gap - width, top: y + gap, right: x - gap, bottom: y + gap + height },
				{ left: x + gap + 2, top: y - height / 2, right: x + gap + 2 + width, bottom: y + height / 2 },
				{ left: x - gap - 2 - width, top: y - height / 2, right: x - gap - 2, bottom: y + height / 2 },
			];
			const spot = candidates.find(
				(box) =>
					box.left >= chartArea.left - 4 &&
					box.right <= chartArea.right + 8 &&
					box.top >= chartArea.top - 14 &&
					box.bottom <= chartArea.bottom &&
					!taken.some((other) => overlaps(box, other)),
			);
			if (!spot) continue;
			taken.push(spot);
			ctx.textAlign = "left";
			ctx.fillText(point.label, spot.left, (spot.top + spot.bottom) / 2);
		}
		ctx.restore();
	},
};

/**
 * A vertical bar with caps through each point: the pass rate's 95 % interval, so two runs whose
 * bars overlap widely are not read as different. Drawn under the points.
 */
const intervalBars: Plugin<"scatter"> = {
	id: "intervalBars",
	beforeDatasetsDraw(chart) {
		const { ctx } = chart;
		const meta = chart.getDatasetMeta(0);
		const data = chart.data.datasets[0]?.data as unknown as Point[] | undefined;
		const scale = chart.scales.y;
		if (!data || !scale) return;
		const color = (chart.options.plugins as { intervalBars?: { color?: string } }).intervalBars?.color ?? "#999";
		ctx.save();
		ctx.strokeStyle = color;
		ctx.lineWidth = 1.25;
		for (const [index, point] of data.entries()) {
			const element = meta.data[index];
			if (!element || point.low === null || point.high === null) continue;
			const top = scale.getPixelForValue(point.high);
			const bottom = scale.getPixelForValue(point.low);
			ctx.beginPath();
			ctx.moveTo(element.x, top);
			ctx.lineTo(element.x, bottom);
			ctx.moveTo(element.x - 4, top);
			ctx.lineTo(element.x + 4, top);
			ctx.moveTo(element.x - 4, bottom);
			ctx.lineTo(element.x + 4, bottom);
			ctx.stroke();
		}
		ctx.restore();
	},
};

/** Axis labels need no more precision than the tick step: $0.5, $1.25, $0.002. */
function costTick(value: number): string {
	return value === 0 ? "$0" : `$${Number(value.toPrecision(3))}`;
}

export function CostScoreChart({ points, onSelect }: { points: ChartPoint[]; onSelect: (id: number) => void }) {
	const canvasRef = useRef<HTMLCanvasElement>(null);
	const theme = useResolvedTheme();
	const onSelectRef = useRef(onSelect);
	onSelectRef.current = onSelect;

	// biome-ignore lint/correctness/useExhaustiveDependencies: colours come from CSS variables, which change with the theme
	useEffect(() => {
		const canvas = canvasRef.current;
		if (!canvas) return;
		const colors = readCssVars(cssVars);
		const scatter: Point[] = points.map((point) => ({
			x: point.cost,
			y: point.score * 100,
			id: point.id,
			label: point.label,
			low: point.interval ? point.interval.low * 100 : null,
			high: point.interval ? point.interval.high * 100 : null,
		}));
		const frontier = points
			.filter((point) => point.frontier)
			.sort((a, b) => a.cost - b.cost)
			.map((point) => ({ x: point.cost, y: point.score * 100 }));
		const maxCost = Math.max(0, ...points.map((point) => point.cost));
		const config: ChartConfiguration<"scatter", Point[] | { x: number; y: number }[]> = {
			type: "scatter",
			data: {
				datasets: [
					{
						label: "Runs",
						data: scatter,
						pointRadius: points.map((point) => (point.frontier ? 6 : 4.5)),
						pointHoverRadius: 8,
						pointBackgroundColor: points.map((point) => (point.frontier ? colors["--good"] : colors["--chart-point"])),
						pointBorderColor: colors["--surface"],
						pointBorderWidth: 1.5,
						// Points sit on the axes at 0 % / 100 % and $0: keep them whole.
						clip: false,
					},
					{
						type: "line",
						label: "Best value",
						data: frontier,
						borderColor: colors["--good"],
						borderDash: [5, 4],
						borderWidth: 1.5,
						pointRadius: 0,
						pointHoverRadius: 0,
						fill: false,
						tension: 0,
					} as never,
				],
			},
			options: {
				responsive: true,
				maintainAspectRatio: false,
				animation: false,
				layout: { padding: { top: 16, right: 12 } },
				scales: {
					x: {
						type: "linear",
						min: 0,
						suggestedMax: maxCost > 0 ? maxCost * 1.1 : 1,
						title: { display: true, text: "Cost (USD)", color: colors["--text-muted"] },
						ticks: { color: colors["--text-muted"], callback: (value) => costTick(Number(value)) },
						grid: { color: colors["--border"] },
						border: { color: colors["--border"] },
					},
					y: {
						type: "linear",
						min: 0,
						max: 100,
						title: { display: true, text: "Pass rate", color: colors["--text-muted"] },
						ticks: { color: colors["--text-muted"], callback: (value) => `${value}%`, stepSize: 20 },
						grid: { color: colors["--border"] },
						border: { color: colors["--border"] },
					},
				},
				plugins: {
					tooltip: {
						filter: (item) => item.datasetIndex === 0,
						callbacks: {
							label: (item) => {
								const point = item.raw as Point;
								const interval =
									point.low === null || point.high === null
										? ""
										: ` [95% CI ${formatPercent(point.low / 100)}–${formatPercent(point.high / 100)}]`;
								return `${point.label}: ${formatPercent(point.y / 100)}${interval} for ${formatCost(point.x)}`;
							},
						},
					},
					...({
						pointLabels: { color: colors["--text"] },
						intervalBars: { color: colors["--text-muted"] },
					} as object),
				},
				onClick: (_event, elements) => {
					const hit = elements.find((element) => element.datasetIndex === 0);
					const point = hit ? scatter[hit.index] : undefined;
					if (point) onSelectRef.current(point.id);
				},
				onHover: (event, elements) => {
					const target = event.native?.target as HTMLElement | undefined;
					if (target)
						target.style.cursor = elements.some((element) => element.datasetIndex === 0) ? "pointer" : "default";
				},
			},
			plugins: [
				intervalBars as Plugin<"scatter", Point[] | { x: number; y: number }[]>,
				pointLabels as Plugin<"scatter", Point[] | { x: number; y: number }[]>,
			],
		};
		const chart = new Chart(canvas, config as ChartConfiguration);
		return () => chart.destroy();
	}, [points, theme]);

	return (
		<div className="chart-box" data-testid="cost-score-chart">
			<canvas
				ref={canvasRef}
				role="img"
				aria-label={`Cost versus pass rate for ${points.length} runs; the table below lists the same numbers`}
			/>
		</div>
	);
}
