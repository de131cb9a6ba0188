const WHITESPACE = /[ \t\n\r\f\v]+/;

function justify(words, width) {
	const gaps = words.length - 1;
	const letters = words.reduce((sum, w) => sum + w.length, 0);
	const spaces = width - letters;
	const base = Math.floor(spaces / gaps);
	const extra = spaces % gaps;
	let out = words[0].join("");
	for (let g = 0; g < gaps; g++) {
		out += " ".repeat(base + (g < extra ? 1 : 0)) + words[g + 1].join("");
	}
	return out;
}

function fill(words, width, align) {
	const lines = []; // each line: array of words, a word being an array of code points
	let current = [];
	let length = 0;
	const finish = () => {
		if (current.length > 0) lines.push(current);
		current = [];
		length = 0;
	};
	for (const word of words) {
		if (word.length > width) {
			finish();
			let start = 0;
			while (word.length - start > width) {
				lines.push([word.slice(start, start + width)]);
				start += width;
			}
			current = [word.slice(start)];
			length = word.length - start;
		} else if (current.length > 0 && length + 1 + word.length <= width) {
			current.push(word);
			length += 1 + word.length;
		} else {
			finish();
			current = [word];
			length = word.length;
		}
	}
	finish();
	return lines.map((line, index) => {
		if (align === "justify" && index < lines.length - 1 && line.length > 1) return justify(line, width);
		return line.map((w) => w.join("")).join(" ");
	});
}

export function wrap(text, width, options = {}) {
	if (typeof text !== "string") throw new TypeError("text must be a string");
	if (typeof width !== "number" || !Number.isInteger(width) || width < 1) {
		throw new RangeError("width must be a positive integer");
	}
	const align = options?.align ?? "left";
	if (align !== "left" && align !== "justify") throw new RangeError(`unknown align ${align}`);

	const paragraphs = [];
	let current = [];
	for (const line of text.split("\n")) {
		const words = line.split(WHITESPACE).filter((w) => w !== "");
		if (words.length === 0) {
			if (current.length > 0) paragraphs.push(current);
			current = [];
		} else {
			for (const word of words) current.push(word);
		}
	}
	if (current.length > 0) paragraphs.push(current);

	return paragraphs
		.map((words) =>
			fill(
				words.map((w) => Array.from(w)),
				width,
				align,
			).join("\n"),
		)
		.join("\n\n");
}
