import type { ReactNode } from "react";

const paths: Record<string, ReactNode> = {
	check: <path d="M3.5 8.5l3 3 6-7" />,
	x: <path d="M4 4l8 8M12 4l-8 8" />,
	clock: (
		<>
			<circle cx="8" cy="8" r="5.5" />
			<path d="M8 5v3.2l2 1.3" />
		</>
	),
	slash: (
		<>
			<circle cx="8" cy="8" r="5.5" />
			<path d="M4.2 11.8l7.6-7.6" />
		</>
	),
	spinner: <path d="M8 2.5a5.5 5.5 0 1 1-5.5 5.5" />,
	plus: <path d="M8 3v10M3 8h10" />,
	trash: <path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.6 8.5h5.8l.6-8.5" />,
	download: <path d="M8 2.5v7.5M4.8 7l3.2 3.2L11.2 7M3 13h10" />,
	stop: <rect x="4" y="4" width="8" height="8" rx="1.2" />,
	refresh: <path d="M12.5 6.5A4.7 4.7 0 0 0 4 5M3.5 9.5A4.7 4.7 0 0 0 12 11M3.6 2.8V5.2H6M12.4 13.2v-2.4H10" />,
	sun: (
		<>
			<circle cx="8" cy="8" r="2.8" />
			<path d="M8 1.5v1.6M8 12.9v1.6M1.5 8h1.6M12.9 8h1.6M3.4 3.4l1.1 1.1M11.5 11.5l1.1 1.1M3.4 12.6l1.1-1.1M11.5 4.5l1.1-1.1" />
		</>
	),
	moon: <path d="M13 9.6A5.5 5.5 0 1 1 6.4 3a4.4 4.4 0 0 0 6.6 6.6z" />,
	auto: (
		<>
			<circle cx="8" cy="8" r="5.5" />
			<path d="M8 2.5v11a5.5 5.5 0 0 0 0-11z" fill="currentColor" />
		</>
	),
	chevron: <path d="M4.5 6.5L8 10l3.5-3.5" />,
	close: <path d="M4 4l8 8M12 4l-8 8" />,
	warning: <path d="M8 2.5l6 10.5H2L8 2.5zM8 6.5v3M8 11.2v.3" />,
	compare: <path d="M5.5 2.5v11M10.5 2.5v11M2.5 5.5h3M10.5 10.5h3" />,
	external: <path d="M9.5 2.5h4v4M13.5 2.5L8 8M11.5 9.5v4h-9v-9h4" />,
};

export type IconName = keyof typeof paths;

/** Decorative icons: the text beside them (or an aria-label on the button) carries the meaning. */
export function Icon({ name, size = 16, className }: { name: IconName; size?: number; className?: string }) {
	return (
		<svg
			className={className ? `icon ${className}` : "icon"}
			width={size}
			height={size}
			viewBox="0 0 16 16"
			fill="none"
			stroke="currentColor"
			strokeWidth="1.6"
			strokeLinecap="round"
			strokeLinejoin="round"
			aria-hidden="true"
			focusable="false"
		>
			{paths[name]}
		</svg>
	);
}
