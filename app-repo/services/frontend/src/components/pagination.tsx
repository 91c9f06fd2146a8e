import { Link } from '../navigation.tsx';

export function Pagination({ page, totalPages, hrefOf }: { page: number; totalPages: number; hrefOf: (page: number) => string }) {
  if (totalPages <= 1) return null;
  return (
    <nav className="pagination" aria-label="Pagination">
      {page > 1 ? (
        <Link href={hrefOf(page - 1)} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span aria-hidden="true" className="pagination-disabled">
          ← Previous
        </span>
      )}
      <span className="pagination-position">
        Page {page} of {totalPages}
      </span>
      {page < totalPages ? (
        <Link href={hrefOf(page + 1)} rel="next">
          Next →
        </Link>
      ) : (
        <span aria-hidden="true" className="pagination-disabled">
          Next →
        </span>
      )}
    </nav>
  );
}
