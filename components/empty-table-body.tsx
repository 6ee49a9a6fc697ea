/** A list table's body when it has no rows: one full-width cell saying so. */
export function EmptyTableBody({ columns, message }: { columns: number; message: string }) {
  return (
    <tbody>
      <tr>
        <td colSpan={columns} className="py-8! text-center text-text-subtle">
          {message}
        </td>
      </tr>
    </tbody>
  );
}
