import { EmptyState } from "../components/ui.js";
import { useDocumentTitle } from "../hooks.js";
import { Link } from "../router.js";

export function NotFoundPage() {
	useDocumentTitle("Not found");
	return (
		<EmptyState title="This page does not exist">
			<Link to="/" className="btn">
				Back to runs
			</Link>
		</EmptyState>
	);
}
