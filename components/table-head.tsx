/** A column's header: its label, or a label only screen readers get (e.g. a column of buttons). */
export type TableColumn = string | { hiddenLabel: string };

/** The header row of Portico's plain tables: small, subtle, bold labels over a heavy rule. */
export function TableHead({ columns }: { columns: TableColumn[] }) {
  return (
    <thead className="border-b-2 border-border text-xs text-text-subtle">
      <tr>
        {columns.map((column) =>
          typeof column === 'string' ? (
            <th key={column} className="py-2 pr-4 font-semibold">{column}</th>
          ) : (
            <th key={column.hiddenLabel} className="py-2 pr-4 font-semibold"><span className="sr-only">{column.hiddenLabel}</span></th>
          ),
        )}
      </tr>
    </thead>
  );
}
