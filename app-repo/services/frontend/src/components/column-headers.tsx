/** A table's header row: one column header (`scope="col"`) per name, in order. */
export function ColumnHeaders({ names }: { names: readonly string[] }) {
  return (
    <thead>
      <tr>
        {names.map((name) => (
          <th key={name} scope="col">
            {name}
          </th>
        ))}
      </tr>
    </thead>
  );
}
