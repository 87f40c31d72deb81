// Arrow-key moves through the picker's grid: sections of emoji laid out `columns` to a row, one after another.
// Right and left walk the emoji in order (across sections); up and down keep the column, moving into the section
// before or after at its edge. Pure, so it is tested without a DOM.

export interface GridSpot {
  section: number;
  index: number;
}

export type GridDirection = 'left' | 'right' | 'up' | 'down';

/** Where the active emoji goes from `spot`; `sizes` are the sections' lengths (empty ones are skipped). */
export function moveInGrid(sizes: readonly number[], columns: number, spot: GridSpot, direction: GridDirection): GridSpot {
  const size = sizes[spot.section] ?? 0;
  const next = (from: number, step: 1 | -1): number | undefined => {
    for (let section = from + step; section >= 0 && section < sizes.length; section += step) if ((sizes[section] ?? 0) > 0) return section;
    return undefined;
  };
  const column = spot.index % columns;
  switch (direction) {
    case 'right': {
      if (spot.index + 1 < size) return { ...spot, index: spot.index + 1 };
      const section = next(spot.section, 1);
      return section === undefined ? spot : { section, index: 0 };
    }
    case 'left': {
      if (spot.index > 0) return { ...spot, index: spot.index - 1 };
      const section = next(spot.section, -1);
      return section === undefined ? spot : { section, index: (sizes[section] ?? 1) - 1 };
    }
    case 'down': {
      if (spot.index + columns < size) return { ...spot, index: spot.index + columns };
      const lastRowStart = Math.floor((size - 1) / columns) * columns;
      if (spot.index < lastRowStart) return { ...spot, index: size - 1 };
      const section = next(spot.section, 1);
      return section === undefined ? spot : { section, index: Math.min(column, (sizes[section] ?? 1) - 1) };
    }
    case 'up': {
      if (spot.index - columns >= 0) return { ...spot, index: spot.index - columns };
      const section = next(spot.section, -1);
      if (section === undefined) return spot;
      const other = sizes[section] ?? 1;
      return { section, index: Math.min(Math.floor((other - 1) / columns) * columns + column, other - 1) };
    }
  }
}
