import { defineErrors } from '@statemesh/common';

/** Error codes of the compute catalog: zones, images and instance types. */
export const CatalogErrors = defineErrors({
  'catalog.invalid': { status: 422, title: 'The catalog entry is not valid' },
  'catalog.name_taken': { status: 409, title: 'A catalog entry with this name exists' },
  'catalog.in_use': { status: 409, title: 'The catalog entry is used by a live VM' },
  'catalog.unavailable': { status: 422, title: 'The zone, image or instance type cannot take new VMs' },
});
