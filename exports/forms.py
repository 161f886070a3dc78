from django import forms
from django.core.files.uploadedfile import UploadedFile

from .sheet_file import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "Saved from the spreadsheet as CSV: a name column and one column per theory "
            f"(headed 3, Theory 3, 3. Auditing or the title). At most "
            f"{MAX_UPLOAD_BYTES // 1_048_576} MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // 1_048_576} MB."
            )
        return upload
