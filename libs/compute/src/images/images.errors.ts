import { defineErrors } from '@statemesh/common';

/** Error codes of account images (templates captured from VMs). */
export const ImagesErrors = defineErrors({
  'image.vm_not_stopped': { status: 409, title: 'Stop the VM before capturing an image of it' },
  'image.vm_not_persistent': { status: 422, title: 'Only persistent VMs can be captured' },
});
