from pyo3_doctor.launch import entry

entry()
